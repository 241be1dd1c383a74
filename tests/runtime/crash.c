/*
 * Fatal signals and stack overflows in goroutines: each report, line by
 * line, and the crash exit status.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <weft.h>

#include "child.h"
#include "exit_status.h"
#include "report_lines.h"

#define SOURCE "tests/runtime/crash.c"
#define LINE(tag) source_line(__FILE__, tag)

/* ---- a goroutine crashes while another waits and main waits ---- */

static weft_chan *never;
static weft_fn crasher;

static void receive_forever(void *arg)
{
    (void)arg;
    weft_chan_recv(never, NULL); /* @receive */
}

static void crash_main(void *arg)
{
    (void)arg;
    static weft_waitgroup forever;
    never = weft_chan_make(sizeof(int), 0);
    weft_go(receive_forever, NULL); /* @go_receiver */
    weft_go(crasher, NULL);         /* @go_crasher */
    weft_waitgroup_add(&forever, 1);
    printf("before the crash\n");
    weft_waitgroup_wait(&forever); /* @main_waits */
}

static void run_crasher(void)
{
    weft_run(crash_main, NULL, NULL);
}

/* Runs fn as goroutine 3 and returns what the crash printed. */
static void crash_in_goroutine(weft_fn fn, struct child_result *r)
{
    crasher = fn;
    child_run(run_crasher, r);
    cr_assert_eq(r->exit_status, WEFT_EXIT_CRASH, "%s", r->output);
}

/* From the crashed goroutine's header to the end: its stack is the frame at
 * tag, then main and the receiver as a deadlock report shows them. */
static void expect_goroutines(struct expected_lines *e, const char *function,
                              const char *tag)
{
    expect_line(e, "%s", "");
    expect_line(e, "goroutine 3 [running]:");
    expect_line(e, "  %s() " SOURCE ":%d", function, LINE(tag));
    expect_line(e, "created by crash_main() in goroutine 1");
    expect_line(e, "  " SOURCE ":%d", LINE("go_crasher"));
    expect_line(e, "%s", "");
    expect_line(e, "goroutine 1 [wait group]:");
    expect_line(e, "  crash_main() " SOURCE ":%d", LINE("main_waits"));
    expect_line(e, "%s", "");
    expect_line(e, "goroutine 2 [chan receive]:");
    expect_line(e, "  receive_forever() " SOURCE ":%d", LINE("receive"));
    expect_line(e, "created by crash_main() in goroutine 1");
    expect_line(e, "  " SOURCE ":%d", LINE("go_receiver"));
}

static uintptr_t reported_pc(const char *output)
{
    const char *pc = strstr(output, " pc=0x");
    cr_assert(pc, "%s", output);
    return (uintptr_t)strtoull(pc + strlen(" pc="), NULL, 16);
}

static void write_through_null(void *arg)
{
    int *p = arg;
    *p = 8; /* @null_write */
}

Test(crash, null_write_prints_signal_instruction_and_every_goroutine)
{
    struct child_result r;
    crash_in_goroutine(write_through_null, &r);
    struct expected_lines e = {0};
    expect_line(&e, "before the crash");
    expect_line(&e, "fatal error: invalid memory address or nil pointer "
                    "dereference");
    expect_line(&e, "[signal SIGSEGV: segmentation violation code=0x1 "
                    "addr=0x0 pc=0x*");
#if defined(__x86_64__)
    expect_line(&e, "instruction: mov dword ptr [rax], 8");
#else
    expect_line(&e, "instruction: str*");
#endif
    expect_goroutines(&e, "write_through_null", "null_write");
    assert_lines(r.output, &e);
    /* the pc is the store's, inside the function */
    uintptr_t pc = reported_pc(r.output);
    cr_assert(pc > (uintptr_t)write_through_null &&
                  pc < (uintptr_t)write_through_null + 64,
              "pc 0x%lx, function at %p", (unsigned long)pc,
              (void *)write_through_null);
}

static void (*volatile handler)(void);

static void call_through_null(void *arg)
{
    (void)arg;
    handler(); /* @null_call */
}

Test(crash, call_through_a_null_function_pointer_names_the_caller)
{
    struct child_result r;
    crash_in_goroutine(call_through_null, &r);
    struct expected_lines e = {0};
    expect_line(&e, "before the crash");
    expect_line(&e, "fatal error: invalid memory address or nil pointer "
                    "dereference");
    /* no instruction: there is none at 0 */
    expect_line(&e, "[signal SIGSEGV: segmentation violation code=0x1 "
                    "addr=0x0 pc=0x0]");
    expect_goroutines(&e, "call_through_null", "null_call");
    assert_lines(r.output, &e);
}

static volatile int zero;

static void divide_by_zero(void *arg)
{
    (void)arg;
    printf("%d\n", 7 / zero); /* @divide */
}

Test(crash, integer_divide_by_zero_is_sigfpe)
{
#if !defined(__x86_64__)
    cr_skip_test("integer division by zero traps on x86-64 only");
#endif
    struct child_result r;
    crash_in_goroutine(divide_by_zero, &r);
    struct expected_lines e = {0};
    expect_line(&e, "before the crash");
    expect_line(&e, "fatal error: integer divide by zero");
    expect_line(&e, "[signal SIGFPE: floating-point exception code=0x1 "
                    "addr=0x*");
    expect_line(&e, "instruction: idiv *");
    expect_goroutines(&e, "divide_by_zero", "divide");
    assert_lines(r.output, &e);
    /* for SIGFPE the address is the instruction's */
    char expected[64];
    snprintf(expected, sizeof expected, "addr=0x%lx pc=0x%lx]",
             (unsigned long)reported_pc(r.output),
             (unsigned long)reported_pc(r.output));
    cr_assert(strstr(r.output, expected), "%s", r.output);
}

static void abort_now(void *arg)
{
    (void)arg;
    abort(); /* @abort */
}

Test(crash, abort_is_reported_with_the_frames_that_led_to_it)
{
    struct child_result r;
    crash_in_goroutine(abort_now, &r);
    struct expected_lines e = {0};
    expect_line(&e, "before the crash");
    expect_line(&e, "fatal error: abort");
    expect_line(&e, "[signal SIGABRT: abort code=-6 pc=0x*");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 3 [running]:");
    expect_line(&e, "..."); /* libc's raise and abort */
    expect_line(&e, "  abort() *");
    expect_line(&e, "  abort_now() " SOURCE ":%d", LINE("abort"));
    expect_line(&e, "created by crash_main() in goroutine 1");
    expect_line(&e, "...");
    expect_line(&e, "goroutine 2 [chan receive]:");
    expect_line(&e, "...");
    assert_lines(r.output, &e);
}

static void trap(void *arg)
{
    (void)arg;
    __builtin_trap(); /* @trap */
}

Test(crash, illegal_instruction_is_sigill)
{
#if !defined(__x86_64__)
    cr_skip_test("__builtin_trap is SIGILL on x86-64 only");
#endif
    struct child_result r;
    crash_in_goroutine(trap, &r);
    struct expected_lines e = {0};
    expect_line(&e, "before the crash");
    expect_line(&e, "fatal error: illegal instruction");
    expect_line(&e, "[signal SIGILL: illegal instruction code=0x2 addr=0x*");
    expect_line(&e, "instruction: ud2");
    expect_goroutines(&e, "trap", "trap");
    assert_lines(r.output, &e);
}

static void read_past_end_of_file(void *arg)
{
    (void)arg;
    FILE *file = tmpfile();
    volatile char *mapped =
        mmap(NULL, 4096, PROT_READ, MAP_SHARED, fileno(file), 0);
    printf("%d\n", mapped[0]); /* @past_end */
}

Test(crash, reading_a_mapping_past_its_file_is_sigbus)
{
    struct child_result r;
    crash_in_goroutine(read_past_end_of_file, &r);
    struct expected_lines e = {0};
    expect_line(&e, "before the crash");
    expect_line(&e, "unexpected fault address 0x*");
    expect_line(&e, "fatal error: fault");
    expect_line(&e, "[signal SIGBUS: bus error code=0x2 addr=0x*");
    expect_line(&e, "instruction: *");
    expect_goroutines(&e, "read_past_end_of_file", "past_end");
    assert_lines(r.output, &e);
}

/* ---- stack overflow ---- */

static volatile int keep_recursing = 1;

static int recurse(int depth)
{
    volatile char frame[128];
    frame[0] = (char)depth;
    if (!keep_recursing) /* always true; hides the recursion from -Werror */
        return 0;
    return recurse(depth + 1) + frame[0]; /* @recurse */
}

static void run_off_the_stack(void *arg)
{
    (void)arg;
    recurse(0); /* @first_call */
}

static void overflow_main(void *arg)
{
    (void)arg;
    weft_set_stack_size(64 * 1024);
    weft_go(run_off_the_stack, NULL); /* @go_overflow */
    weft_yield();                     /* @main_yields */
}

static void overflow_a_goroutine(void)
{
    weft_run(overflow_main, NULL, NULL);
}

/* The innermost frames of a runaway recursion, down to the elision. */
static void expect_recursion(struct expected_lines *e)
{
    /* the faulting frame's line is wherever in recurse the stack ran out */
    expect_line(e, "  recurse() " SOURCE ":*");
    for (int i = 1; i < 16; i++)
        expect_line(e, "  recurse() " SOURCE ":%d", LINE("recurse"));
    expect_line(e, "  ...*");
}

Test(crash, stack_overflow_in_a_goroutine_elides_the_middle_of_its_stack)
{
    struct child_result r;
    child_run(overflow_a_goroutine, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_CRASH, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "runtime: goroutine stack exceeds 65536-byte limit");
    expect_line(&e, "fatal error: goroutine 2: stack overflow");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 2 [running]:");
    expect_recursion(&e);
    for (int i = 0; i < 5; i++) /* the outermost 8, less weft's frames */
        expect_line(&e, "  recurse() " SOURCE ":%d", LINE("recurse"));
    expect_line(&e, "  run_off_the_stack() " SOURCE ":%d", LINE("first_call"));
    expect_line(&e, "created by overflow_main() in goroutine 1");
    expect_line(&e, "  " SOURCE ":%d", LINE("go_overflow"));
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 1 [runnable]:");
    expect_line(&e, "  overflow_main() " SOURCE ":%d", LINE("main_yields"));
    assert_lines(r.output, &e);
    /* "...N frames elided...": about 64 KiB of 128-byte frames */
    unsigned elided = 0;
    const char *line = strstr(r.output, "  ...");
    cr_assert(sscanf(line, "  ...%u frames elided...\n", &elided) == 1, "%s",
              line);
    cr_assert(elided > 200 && elided < 512, "%u", elided);
}

static void overflow_the_thread(void *arg)
{
    (void)arg;
    recurse(0);
}

static void overflow_main_goroutine(void)
{
    struct rlimit limit;
    getrlimit(RLIMIT_STACK, &limit);
    limit.rlim_cur = 1 << 20; /* the thread's stack may grow to 1 MiB */
    setrlimit(RLIMIT_STACK, &limit);
    weft_run(overflow_the_thread, NULL, NULL);
}

Test(crash, stack_overflow_of_the_main_goroutine_names_the_thread_limit)
{
    struct child_result r;
    child_run(overflow_main_goroutine, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_CRASH, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "runtime: main goroutine stack (the thread's) exceeds "
                    "1048576-byte limit");
    expect_line(&e, "fatal error: goroutine 1: stack overflow");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 1 [running]:");
    expect_recursion(&e);
    expect_line(&e, "...");
    assert_lines(r.output, &e);
}

/* ---- where the handlers stand aside ---- */

static void own_handler(int sig)
{
    static const char message[] = "the program's own handler\n";
    (void)sig;
    ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    _exit(42);
}

static void crash_with_own_handler(void)
{
    signal(SIGSEGV, own_handler);
    crasher = write_through_null;
    weft_run(crash_main, NULL, NULL);
}

Test(crash, a_handler_the_program_installed_first_wins)
{
    struct child_result r;
    child_run(crash_with_own_handler, &r);
    cr_assert_eq(r.exit_status, 42, "%s", r.output);
    /* weft printed nothing (stdout is lost to the handler's _exit) */
    cr_assert_str_eq(r.output, "the program's own handler\n");
}

static void *null_on_thread(void *arg)
{
    *(volatile int *)arg = 1; /* @thread_write */
    return NULL;
}

static void crash_on_another_thread(void)
{
    weft_yield(); /* the runtime is up: its handlers are installed */
    pthread_t thread;
    pthread_create(&thread, NULL, null_on_thread, NULL);
    pthread_join(thread, NULL);
}

Test(crash, a_thread_that_runs_no_goroutines_gets_its_own_stack)
{
    struct child_result r;
    child_run(crash_on_another_thread, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_CRASH, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "fatal error: invalid memory address or nil pointer "
                    "dereference");
    expect_line(&e, "[signal SIGSEGV: segmentation violation code=0x1 "
                    "addr=0x0 pc=0x*");
    expect_line(&e, "instruction: *");
    expect_line(&e, "%s", "");
    expect_line(&e, "thread (running no goroutines):");
    expect_line(&e, "  null_on_thread() " SOURCE ":%d", LINE("thread_write"));
    expect_line(&e, "..."); /* libc's thread start */
    assert_lines(r.output, &e);
}

/* ---- a panic before the runtime started ---- */

static void ticker_of_zero_first(void)
{
    weft_ticker_new(0); /* @first_call_panics */
}

Test(crash, a_panic_as_the_first_weft_call_prints_the_panicking_stack)
{
    struct child_result r;
    child_run(ticker_of_zero_first, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_PANIC, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "panic: non-positive interval for weft_ticker_new");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 1 [running]:");
    expect_line(&e, "  ticker_of_zero_first() " SOURCE ":%d",
                LINE("first_call_panics"));
    expect_line(&e, "  child_run() tests/child.h:*");
    expect_line(&e, "...");
    assert_lines(r.output, &e);
}

/* ---- a goroutine that never ran, in the listing ---- */

static void never_runs(void *arg)
{
    (void)arg;
}

static void go_then_crash(void *arg)
{
    weft_go(never_runs, NULL); /* @go_never_runs */
    *(volatile int *)arg = 1;  /* @crash_before */
}

static void crash_before_the_new_goroutine_runs(void)
{
    weft_run(go_then_crash, NULL, NULL);
}

Test(crash, a_goroutine_not_started_yet_is_listed_as_one)
{
    struct child_result r;
    child_run(crash_before_the_new_goroutine_runs, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_CRASH, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "...");
    expect_line(&e, "goroutine 1 [running]:");
    expect_line(&e, "  go_then_crash() " SOURCE ":%d", LINE("crash_before"));
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 2 [runnable]:");
    expect_line(&e, "  (not started yet)");
    expect_line(&e, "created by go_then_crash() in goroutine 1");
    expect_line(&e, "  " SOURCE ":%d", LINE("go_never_runs"));
    assert_lines(r.output, &e);
}
