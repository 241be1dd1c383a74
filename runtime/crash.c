/*
 * Fatal signals in goroutines — SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT —
 * and stack overflows, reported in Go's words: the cause, the signal with
 * its code, faulting address and pc, the faulting instruction, the
 * goroutine's stack, then every other goroutine; exit WEFT_EXIT_CRASH.
 *
 * Invariants:
 *  - Handlers run on an alternate signal stack of the thread that runs the
 *    goroutines, so a goroutine whose stack pointer sits in its guard page
 *    is still reported, and nothing is written below any goroutine's stack.
 *  - They are installed when the runtime initialises, for signals still at
 *    their default disposition: a program's own handlers win.
 *  - A handler never returns. It does what is not async-signal-safe (stdio,
 *    the symbolizer, capstone): the process is dying, and weft runs on one
 *    thread. A second fault while reporting ends the process with a note.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "disasm.h"
#include "exit_status.h"
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
};

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static struct {
    pthread_t thread; /* the thread that runs the goroutines */
    volatile sig_atomic_t reporting;
} crash;

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

/* The crashed goroutine, then every other one as a deadlock report shows
 * them. */
static void print_goroutines(FILE *out, struct goroutine *crashed,
                             struct unwind_start *start, size_t innermost,
                             size_t outermost)
{
    fputc('\n', out);
    goroutine_print_header(out, crashed);
    print_context_stack(out, start, innermost, outermost);
    goroutine_print_creation(out, crashed);
    for (struct goroutine *g = rt.all_head; g; g = g->all_next)
        if (g != crashed) {
            fputc('\n', out);
            goroutine_print(out, g);
        }
}

void crash_print_goroutines(FILE *out, void *ucontext)
{
    struct unwind_start start = {.context = *(ucontext_t *)ucontext,
                                 .exact = true};
    print_goroutines(out, ws.current, &start, CRASH_INNERMOST,
                     CRASH_OUTERMOST);
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

/* ---- the handler ---- */

static bool on_runtime_thread(void)
{
    return rt.initialized && ws.current &&
           pthread_equal(pthread_self(), crash.thread);
}

static void report(int sig, siginfo_t *info, ucontext_t *uc)
{
    FILE *out = stderr;
    uintptr_t pc = context_pc(uc);
    struct unwind_start start;
    find_unwind_start(sig, info, uc, &start);
    if (!on_runtime_thread()) {
        print_cause(out, sig, info);
        print_signal(out, sig, info, pc);
        fputs("\nthread (running no goroutines):\n", out);
        print_context_stack(out, &start, CRASH_INNERMOST, CRASH_OUTERMOST);
        return;
    }
    struct goroutine *g = ws.current;
    if (sig == SIGSEGV && is_stack_overflow(g, info, context_sp(uc))) {
        print_stack_limit(out, g);
        fprintf(out, "fatal error: goroutine %llu: stack overflow\n",
                (unsigned long long)g->id);
        print_goroutines(out, g, &start, OVERFLOW_INNERMOST,
                         OVERFLOW_OUTERMOST);
        return;
    }
    print_cause(out, sig, info);
    print_signal(out, sig, info, pc);
    print_goroutines(out, g, &start, CRASH_INNERMOST, CRASH_OUTERMOST);
}

static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
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
    fflush(stdout); /* what the program printed comes first */
    report(sig, info, context);
    fflush(stderr);
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

static void install_alternate_stack(void)
{
    static __thread bool installed;
    if (installed)
        return;
    installed = true;
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
    }
}

void crash_handlers_install(void)
{
    crash.thread = pthread_self();
    install_alternate_stack();
    install_handlers();
}
