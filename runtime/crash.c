/*
 * Fatal signals in goroutines — SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT —
 * and stack overflows, reported in Go's words: the cause, the signal with
 * its code, faulting address and pc, the faulting instruction, the
 * goroutine's stack, then every other goroutine; exit WEFT_EXIT_CRASH.
 *
 * Invariants:
 *  - Handlers run on an alternate signal stack of the thread that took the
 *    signal (every worker has one), so a goroutine whose stack pointer sits
 *    in its guard page is still reported, and nothing is written below any
 *    goroutine's stack.
 *  - They are installed when the runtime initialises, for signals still at
 *    their default disposition: a program's own handlers win.
 *  - The end of the process has one owner: the first thread to crash, or
 *    the thread in exit(), whichever claims it first (crash.owner). Any
 *    other thread that crashes or exits waits for the owner to end the
 *    process, so a report is never cut short and its status is the crash's.
 *  - The reporter first stops the world: it stops every other worker
 *    where it is (a goroutine's state may be half changed under an
 *    object's lock: the report is then best effort, as for the program's
 *    own data). Then it allocates only from a region of its own
 *    (support/heap.h), so a crash inside malloc, or a worker stopped inside
 *    it, cannot hold a lock the report needs, and prints through a stream
 *    of its own (a stopped worker may hold stderr's lock).
 *  - A handler never returns. It does what is not async-signal-safe (stdio,
 *    the symbolizer, capstone) with everyone else stopped: the process is
 *    dying. A second fault while reporting ends the process with a note.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "disasm.h"
#include "exit_status.h"
#include "heap.h"
#include "parallel.h"
#include "runtime.h"
#include "stack.h"

enum {
    ALTERNATE_STACK_BYTES = 256 << 10, /* the symbolizer has its own */
    /* The frames a traceback keeps, innermost then outermost; the middle of
     * a deeper stack is elided. A runaway recursion shows fewer. */
    CRASH_INNERMOST = 48,
    CRASH_OUTERMOST = 16,
    OVERFLOW_INNERMOST = 16,
    OVERFLOW_OUTERMOST = 8,
    /* How far past the end of a stack a fault or the stack pointer still
     * counts as running off it (a large frame probes far below). */
    STACK_REACH = 64 << 10,
    /* How long the reporter waits for the workers it stops (a worker with
     * the signal blocked never stops). */
    STOP_WAIT_TRIES = 100, /* a millisecond apart */
};

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static struct {
    /* the thread (its ws) that ends the process: reporting a crash, or in
     * exit(); 0 until one claims it */
    _Atomic uintptr_t owner;
    volatile sig_atomic_t reporting;
    _Atomic unsigned waiting; /* threads parked by wait_for_the_end */
    int stop_signal;          /* one of ours: stops a worker */
} crash;

/* ---- who ends the process ---- */

static uintptr_t this_thread(void)
{
    return (uintptr_t)&ws; /* initial-exec TLS: safe in a handler */
}

/* True if this thread ends the process: it claimed it first, now or
 * before. */
static bool claim_the_end(void)
{
    uintptr_t expected = 0;
    return atomic_compare_exchange_strong(&crash.owner, &expected,
                                          this_thread()) ||
           expected == this_thread();
}

/* Until the owner ends the process. */
_Noreturn static void wait_for_the_end(void)
{
    atomic_fetch_add(&crash.waiting, 1);
    for (;;)
        pause();
}

/* Registered with atexit: exit() waits for a report already begun, and a
 * crash after exit() began waits for it. */
static void claim_the_end_at_exit(void)
{
    if (!claim_the_end())
        wait_for_the_end();
}

/* ---- the interrupted context ---- */

static uintptr_t context_pc(const ucontext_t *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#endif
}

static uintptr_t context_sp(const ucontext_t *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.sp;
#endif
}

/* A fault, as opposed to a signal sent with kill, raise or abort. */
static bool is_fault(const siginfo_t *info)
{
    return info->si_code > 0;
}

/* ---- wording ---- */

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV: segmentation violation";
    case SIGBUS:
        return "SIGBUS: bus error";
    case SIGFPE:
        return "SIGFPE: floating-point exception";
    case SIGILL:
        return "SIGILL: illegal instruction";
    case SIGABRT:
        return "SIGABRT: abort";
    default:
        return "unexpected signal";
    }
}

static const char *fpe_cause(int code)
{
    switch (code) {
    case FPE_INTDIV:
        return "integer divide by zero";
    case FPE_INTOVF:
        return "integer overflow";
    default:
        return "floating-point exception";
    }
}

/* The "fatal error: ..." line, with Go's "unexpected fault address" before
 * it for a bad pointer that is not nil. */
static void print_cause(FILE *out, int sig, const siginfo_t *info)
{
    uintptr_t addr = (uintptr_t)info->si_addr;
    const char *cause = "unexpected signal"; /* sent by kill, say */
    if (sig == SIGABRT)
        cause = "abort";
    else if (!is_fault(info))
        ;
    else if (sig == SIGFPE)
        cause = fpe_cause(info->si_code);
    else if (sig == SIGILL)
        cause = "illegal instruction";
    else if (sig == SIGSEGV && addr < (uintptr_t)getpagesize())
        cause = "invalid memory address or nil pointer dereference";
    else {
        fprintf(out, "unexpected fault address 0x%" PRIxPTR "\n", addr);
        cause = "fault";
    }
    fprintf(out, "fatal error: %s\n", cause);
}

/* [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x401136],
 * then the faulting instruction. */
static void print_signal(FILE *out, int sig, const siginfo_t *info,
                         uintptr_t pc)
{
    fprintf(out, "[signal %s", signal_name(sig));
    if (is_fault(info))
        fprintf(out, " code=0x%x addr=0x%" PRIxPTR, (unsigned)info->si_code,
                (uintptr_t)info->si_addr);
    else
        fprintf(out, " code=%d", info->si_code);
    fprintf(out, " pc=0x%" PRIxPTR "]\n", pc);
    char instruction[160];
    if (is_fault(info) &&
        disasm_instruction(pc, instruction, sizeof instruction))
        fprintf(out, "instruction: %s\n", instruction);
}

/* Where the crashed code's stack is unwound from. */
struct unwind_start {
    ucontext_t context;
    bool exact; /* its pc is the faulting pc, not a return address */
};

/* A call through a bad function pointer faults fetching its target: the pc
 * is the faulting address, in no code, where no unwinding can start.
 * Start at the return address the call left instead: on the stack
 * (x86-64) or in the link register (aarch64). */
static void find_unwind_start(int sig, const siginfo_t *info,
                              const ucontext_t *uc, struct unwind_start *start)
{
    start->context = *uc;
    start->exact = true;
    bool bad_jump = sig == SIGSEGV && is_fault(info) &&
                    (uintptr_t)info->si_addr == context_pc(uc);
    if (!bad_jump)
        return;
    start->exact = false;
#if defined(__x86_64__)
    greg_t *regs = start->context.uc_mcontext.gregs;
    regs[REG_RIP] = *(const greg_t *)regs[REG_RSP];
    regs[REG_RSP] += sizeof(greg_t);
#elif defined(__aarch64__)
    start->context.uc_mcontext.pc = start->context.uc_mcontext.regs[30];
#endif
}

/* The interrupted code's stack, its middle elided when deeper than
 * innermost + outermost frames. */
static void print_context_stack(FILE *out, struct unwind_start *start,
                                size_t innermost, size_t outermost)
{
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t total;
    size_t count = stack_capture_context(
        &start->context, pcs, innermost + outermost, outermost, &total);
    if (total <= count) {
        stack_print(out, pcs, count, start->exact);
        return;
    }
    stack_print(out, pcs, innermost, start->exact);
    fprintf(out, "  ...%zu frames elided...\n", total - count);
    stack_print(out, pcs + innermost, outermost, false);
}

/* ---- stack overflow ---- */

static bool is_stack_overflow(struct goroutine *g, const siginfo_t *info,
                              uintptr_t sp)
{
    uintptr_t addr = (uintptr_t)info->si_addr;
    uintptr_t page = (uintptr_t)getpagesize();
    if (!is_fault(info))
        return false;
    if (g != &rt.main_goroutine) {
        uintptr_t base = (uintptr_t)g->stack.base;
        bool in_guard = addr < base && addr >= base - page;
        bool sp_below = sp < base && sp + STACK_REACH >= base;
        return in_guard || sp_below;
    }
    /* the thread's stack grows on demand up to its limit: a fault just
     * below the stack pointer is that limit */
    return addr < sp + page && addr + STACK_REACH >= sp;
}

static void print_stack_limit(FILE *out, struct goroutine *g)
{
    if (g != &rt.main_goroutine) {
        fprintf(out, "runtime: goroutine stack exceeds %zu-byte limit\n",
                g->stack.size);
        return;
    }
    /* RLIMIT_STACK sizes the process's first thread only */
    struct rlimit limit;
    if (getpid() == gettid() && getrlimit(RLIMIT_STACK, &limit) == 0 &&
        limit.rlim_cur != RLIM_INFINITY)
        fprintf(out,
                "runtime: main goroutine stack (the thread's) exceeds "
                "%llu-byte limit\n",
                (unsigned long long)limit.rlim_cur);
    else
        fputs("runtime: main goroutine stack (the thread's) exceeds its "
              "limit\n",
              out);
}

/* ---- stopping the world ---- */

/* In parallel mode: stops every other worker where it is (our own handler
 * parks it), so none changes a goroutine, allocates, prints or exits under
 * the report. Returns whether the goroutines may be read: every worker
 * stopped. */
static bool stop_the_world(void)
{
    if (!rt.initialized || !rt.parallel)
        return true;
    unsigned sent = 0, already = atomic_load(&crash.waiting);
    for (unsigned i = 0; i < rt.worker_count; i++) {
        struct worker *w = rt.workers[i];
        if (w && w != &ws && w->tid && crash.stop_signal &&
            tgkill(getpid(), w->tid, crash.stop_signal) == 0)
            sent++;
    }
    struct timespec pause = {0, 1000 * 1000};
    for (int i = 0;
         i < STOP_WAIT_TRIES && atomic_load(&crash.waiting) < already + sent;
         i++)
        nanosleep(&pause, NULL);
    return atomic_load(&crash.waiting) >= already + sent;
}

/* The report's own stream on stderr's descriptor: a stopped thread may hold
 * stderr's lock. Unbuffered, as stderr, so a fault midway loses nothing. */
static FILE *report_stream(void)
{
    FILE *out = fdopen(STDERR_FILENO, "w");
    if (!out)
        return stderr;
    setvbuf(out, NULL, _IONBF, 0);
    return out;
}

/* What the program printed comes first, unless a stopped thread is
 * printing it. */
static void flush_program_output(void)
{
    if (ftrylockfile(stdout) != 0)
        return;
    fflush_unlocked(stdout);
    funlockfile(stdout);
}

/* ---- the handler ---- */

/* The goroutine this thread runs, whichever worker it is; NULL on a thread
 * that runs none (a thread of the program's, a worker between goroutines). */
static struct goroutine *running_goroutine(void)
{
    if (!rt.initialized || !ws.current || ws.current == ws.idle)
        return NULL;
    return ws.current;
}

/* A goroutine another worker runs: its registers are that thread's. */
static void print_running_elsewhere(FILE *out, struct goroutine *g)
{
    fprintf(out, "goroutine %llu [running]:\n", (unsigned long long)g->id);
    fputs("  goroutine running on other thread; stack unavailable\n", out);
    goroutine_print_creation(out, g);
}

/* The crashed goroutine, then every other one as a deadlock report shows
 * them; none but the first when another thread holds the runtime. */
static void print_goroutines(FILE *out, struct goroutine *crashed,
                             struct unwind_start *start, size_t innermost,
                             size_t outermost, bool world_stopped)
{
    fputc('\n', out);
    goroutine_print_header(out, crashed);
    print_context_stack(out, start, innermost, outermost);
    goroutine_print_creation(out, crashed);
    if (!world_stopped) {
        fputs("\n(the other goroutines cannot be read: a worker thread did "
              "not stop)\n",
              out);
        return;
    }
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g)) {
        if (g == crashed)
            continue;
        fputc('\n', out);
        if (rt.parallel && g->status == G_RUNNING)
            print_running_elsewhere(out, g);
        else
            goroutine_print(out, g);
    }
}

/* Every goroutine, the interrupted one first with its registers' stack (a
 * hang report: the harness's one thread, nothing else holds the runtime). */
void crash_print_goroutines(FILE *out, void *ucontext)
{
    struct unwind_start start = {.context = *(ucontext_t *)ucontext,
                                 .exact = true};
    print_goroutines(out, ws.current, &start, CRASH_INNERMOST, CRASH_OUTERMOST,
                     true);
}

static void report(FILE *out, int sig, siginfo_t *info, ucontext_t *uc,
                   bool world_stopped)
{
    uintptr_t pc = context_pc(uc);
    struct unwind_start start;
    find_unwind_start(sig, info, uc, &start);
    struct goroutine *g = running_goroutine();
    if (!g) {
        print_cause(out, sig, info);
        print_signal(out, sig, info, pc);
        fputs("\nthread (running no goroutines):\n", out);
        print_context_stack(out, &start, CRASH_INNERMOST, CRASH_OUTERMOST);
        return;
    }
    if (sig == SIGSEGV && is_stack_overflow(g, info, context_sp(uc))) {
        print_stack_limit(out, g);
        fprintf(out, "fatal error: goroutine %llu: stack overflow\n",
                (unsigned long long)g->id);
        print_goroutines(out, g, &start, OVERFLOW_INNERMOST, OVERFLOW_OUTERMOST,
                         world_stopped);
        return;
    }
    print_cause(out, sig, info);
    print_signal(out, sig, info, pc);
    print_goroutines(out, g, &start, CRASH_INNERMOST, CRASH_OUTERMOST,
                     world_stopped);
}

static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    if (!claim_the_end()) /* another thread reports, or exit() runs */
        wait_for_the_end();
    if (crash.reporting) {
        static const char note[] =
            "\nfatal error: unexpected signal while printing the report\n";
        ssize_t ignored = write(STDERR_FILENO, note, sizeof note - 1);
        (void)ignored;
        _exit(WEFT_EXIT_CRASH);
    }
    crash.reporting = 1;
    /* the report runs libunwind and capstone, whose libc calls reach the
     * interceptors: not the goroutine's */
    DETECT(ignore_begin);
    bool world_stopped = stop_the_world();
    /* from here every malloc (libdw's, capstone's, stdio's) is served from
     * a fresh region, whatever lock of glibc's the crash left held */
    if (!heap_on())
        heap_start();
    symbolizer_take_over();
    FILE *out = report_stream();
    flush_program_output();
    report(out, sig, info, context, world_stopped);
    fflush(out);
    _exit(WEFT_EXIT_CRASH);
}

/* ---- installation ---- */

/* Every schedule the harness explores is a fresh fork that installs these
 * again, so installing costs few system calls: the first thread's
 * alternate stack is static (no mapping to make), and each handler is set
 * and its predecessor read in one call. */
static char first_alternate_stack[ALTERNATE_STACK_BYTES]
    __attribute__((aligned(64)));

static void *alternate_stack_memory(void)
{
    static bool first_taken;
    if (!first_taken) {
        first_taken = true;
        return first_alternate_stack;
    }
    void *memory = mmap(NULL, ALTERNATE_STACK_BYTES, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return memory == MAP_FAILED ? NULL : memory;
}

/* this thread's alternate stack is in place (a thread-local of weft's:
 * runtime_thread_locals) */
static __thread bool alternate_stack_installed;

void crash_thread_locals(void (*keep)(const void *address, size_t size))
{
    keep(&alternate_stack_installed, sizeof alternate_stack_installed);
}

static void install_alternate_stack(void)
{
    if (alternate_stack_installed)
        return;
    alternate_stack_installed = true;
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
        current.ss_size >= ALTERNATE_STACK_BYTES)
        return; /* the program's own, big enough */
    stack_t stack = {.ss_sp = alternate_stack_memory(),
                     .ss_size = ALTERNATE_STACK_BYTES};
    if (stack.ss_sp)
        sigaltstack(&stack, NULL);
}

static void install_handlers(void)
{
    static bool installed;
    if (installed)
        return;
    installed = true;
    struct sigaction action = {
        .sa_sigaction = on_fatal_signal,
        /* SA_NODEFER: a fault while reporting re-enters and ends it */
        .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER,
    };
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++) {
        struct sigaction old;
        if (sigaction(fatal_signals[i], &action, &old) != 0)
            continue;
        bool was_default =
            !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
        if (!was_default) /* the program's own: it wins */
            sigaction(fatal_signals[i], &old, NULL);
        else if (!crash.stop_signal)
            crash.stop_signal = fatal_signals[i];
    }
    atexit(claim_the_end_at_exit);
}

void crash_handlers_install(void)
{
    install_alternate_stack();
    install_handlers();
}
