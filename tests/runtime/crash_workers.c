/*
 * Crashes on worker threads in production mode (WEFT_MAXPROCS=2), each run
 * RUNS times: every run must exit WEFT_EXIT_CRASH with the whole report —
 * the crashed goroutine, its creator, and the others — even though another
 * thread calls exit(0) as soon as the report has begun.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <weft.h>

#include "child.h"
#include "exit_status.h"
#include "report_lines.h"

#define SOURCE "tests/runtime/crash_workers.c"
#define LINE(tag) source_line(__FILE__, tag)

enum { RUNS = 100 };

static weft_fn crasher;
static weft_chan *never;

static void receive_forever(void *arg)
{
    (void)arg;
    weft_chan_recv(never, NULL); /* @receive */
}

/* A thread of the program's (the report stops workers only): exits as
 * soon as the report names a goroutine, which must not cut it short. */
static void *exit_when_the_report_begins(void *arg)
{
    (void)arg;
    char seen[4096];
    for (;;) {
        ssize_t n = pread(STDERR_FILENO, seen, sizeof seen - 1, 0);
        seen[n > 0 ? n : 0] = '\0';
        if (strstr(seen, "goroutine "))
            exit(0);
        sched_yield();
    }
}

/* Goroutine 1 on worker 0, goroutines 2 and 3 stolen by worker 1: 2 blocks,
 * then 3 crashes there. */
static void crash_on_a_worker(void)
{
    setenv("WEFT_MAXPROCS", "2", 1);
    setenv("WEFT_STACK_SIZE", "64K", 1);
    pthread_t exiter;
    pthread_create(&exiter, NULL, exit_when_the_report_begins, NULL);
    never = weft_chan_make(sizeof(int), 0);
    weft_go(receive_forever, NULL); /* @go_receiver */
    weft_go(crasher, NULL);         /* @go_crasher */
    for (;;)
        ; /* main keeps worker 0 busy: the others run on worker 1 */
}

/* Runs the scenario runs times, each checked against e. */
static void expect_runs(weft_fn fn, int runs, struct expected_lines *e)
{
    crasher = fn;
    for (int i = 0; i < runs; i++) {
        struct child_result r;
        child_run(crash_on_a_worker, &r);
        cr_assert_eq(r.exit_status, WEFT_EXIT_CRASH, "run %d:\n%s", i,
                     r.output);
        struct expected_lines copy = {.count = e->count};
        for (size_t j = 0; j < e->count; j++)
            copy.lines[j] = strdup(e->lines[j]);
        assert_lines(r.output, &copy); /* frees the copy */
    }
    for (size_t j = 0; j < e->count; j++)
        free(e->lines[j]);
}

/* The crashed goroutine's creator, then main (running on worker 0) and the
 * receiver. */
static void expect_the_others(struct expected_lines *e)
{
    expect_line(e, "created by crash_on_a_worker() in goroutine 1");
    expect_line(e, "  " SOURCE ":%d", LINE("go_crasher"));
    expect_line(e, "%s", "");
    expect_line(e, "goroutine 1 [running]:");
    expect_line(e, "  goroutine running on other thread; stack unavailable");
    expect_line(e, "%s", "");
    expect_line(e, "goroutine 2 [chan receive]:");
    expect_line(e, "  receive_forever() " SOURCE ":%d", LINE("receive"));
    expect_line(e, "created by crash_on_a_worker() in goroutine 1");
    expect_line(e, "  " SOURCE ":%d", LINE("go_receiver"));
}

static void write_through_null(void *arg)
{
    *(volatile int *)arg = 8; /* @null_write */
}

Test(crash_workers, null_write_on_a_worker_is_reported_every_time,
     .timeout = 120)
{
    struct expected_lines e = {0};
    expect_line(&e, "fatal error: invalid memory address or nil pointer "
                    "dereference");
    expect_line(&e, "[signal SIGSEGV: segmentation violation code=0x1 "
                    "addr=0x0 pc=0x*");
    expect_line(&e, "instruction: *");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 3 [running]:");
    expect_line(&e, "  write_through_null() " SOURCE ":%d",
                LINE("null_write"));
    expect_the_others(&e);
    expect_runs(write_through_null, RUNS, &e);
}

static void abort_now(void *arg)
{
    (void)arg;
    abort(); /* @abort */
}

Test(crash_workers, abort_on_a_worker_is_reported_every_time, .timeout = 120)
{
    struct expected_lines e = {0};
    expect_line(&e, "fatal error: abort");
    expect_line(&e, "[signal SIGABRT: abort code=-6 pc=0x*");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 3 [running]:");
    expect_line(&e, "..."); /* libc's raise and abort */
    expect_line(&e, "  abort_now() " SOURCE ":%d", LINE("abort"));
    expect_the_others(&e);
    expect_runs(abort_now, RUNS, &e);
}

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

Test(crash_workers, stack_overflow_on_a_worker_is_reported_every_time,
     .timeout = 120)
{
    struct expected_lines e = {0};
    expect_line(&e, "runtime: goroutine stack exceeds 65536-byte limit");
    expect_line(&e, "fatal error: goroutine 3: stack overflow");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 3 [running]:");
    expect_line(&e, "  recurse() " SOURCE ":*");
    expect_line(&e, "...");
    expect_line(&e, "  run_off_the_stack() " SOURCE ":%d", LINE("first_call"));
    expect_the_others(&e);
    expect_runs(run_off_the_stack, RUNS, &e);
}

/* glibc finds its heap corrupt and aborts with the thread's arena locked:
 * a report that called glibc's malloc on this thread would never end. */
static void crash_inside_malloc(void *arg)
{
    (void)arg;
    /* an odd size, so it comes from the top chunk, whose size follows */
    size_t *block = malloc(0x5f8);
    block[0x5f8 / sizeof *block] = ~(size_t)0;
    free(malloc(0x100000 - 0x1000)); /* @malloc_aborts */
}

Test(crash_workers, a_crash_inside_malloc_is_reported, .timeout = 120)
{
    struct expected_lines e = {0};
    expect_line(&e, "malloc(): corrupted top size"); /* glibc's own */
    expect_line(&e, "fatal error: abort");
    expect_line(&e, "[signal SIGABRT: abort code=-6 pc=0x*");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 3 [running]:");
    expect_line(&e, "..."); /* libc's, down to weft's malloc */
    expect_the_others(&e);
    expect_runs(crash_inside_malloc, 10, &e);
}
