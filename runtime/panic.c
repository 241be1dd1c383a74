/*
 * Panics, the deadlock report, and goroutine tracebacks, in Go's words.
 * Both end the program with status 2, after flushing what the program
 * printed, so its output and ours come in order.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "exit_status.h"
#include "goroutine_names.h"
#include "harness_hooks.h"
#include "runtime.h"
#include "stack.h"

static const char *reason_names[] = {
    [WAIT_NONE] = "runnable",
    [WAIT_CHAN_SEND] = "chan send",
    [WAIT_CHAN_RECV] = "chan receive",
    [WAIT_CHAN_SEND_NIL] = "chan send (nil chan)",
    [WAIT_CHAN_RECV_NIL] = "chan receive (nil chan)",
    [WAIT_SELECT] = "select",
    [WAIT_SELECT_NO_CASES] = "select (no cases)",
    [WAIT_MUTEX] = "mutex lock",
    [WAIT_RWMUTEX_RLOCK] = "rwmutex rlock",
    [WAIT_RWMUTEX_LOCK] = "rwmutex lock",
    [WAIT_WAITGROUP] = "wait group",
    [WAIT_COND] = "cond wait",
    [WAIT_ONCE] = "once",
    [WAIT_SLEEP] = "sleep",
    [WAIT_IO] = "IO wait",
    [WAIT_SYSCALL] = "syscall",
};

const char *wait_reason_string(enum wait_reason reason)
{
    return reason_names[reason];
}

static const char *state_string(struct goroutine *g)
{
    if (g == ws.current && g->status == G_RUNNING)
        return "running";
    if (g->status == G_WAITING)
        return wait_reason_string(g->wait_reason);
    return "runnable";
}

void goroutine_print_header(FILE *out, struct goroutine *g)
{
    char name[GOROUTINE_NAME_MAX];
    fprintf(out, "%s [%s]:\n", goroutine_name(name, sizeof name, g->id, false),
            state_string(g));
}

void goroutine_print_creation(FILE *out, struct goroutine *g)
{
    struct symbol where;
    if (g->creation_depth &&
        stack_first_user_frame(creation_stack(g), g->creation_depth, &where)) {
        char parent[GOROUTINE_NAME_MAX];
        fprintf(out, "created by %s at:\n",
                goroutine_name(parent, sizeof parent, g->parent_id, false));
        stack_print(out, creation_stack(g), g->creation_depth, false);
        return;
    }
    if (!g->created_pc)
        return;
    symbolize(g->created_pc, false, &where);
    char parent[GOROUTINE_NAME_MAX];
    fprintf(out, "created by %s() in %s\n  %s:%d\n", where.function,
            goroutine_name(parent, sizeof parent, g->parent_id, false),
            where.file, where.line);
}

void goroutine_print(FILE *out, struct goroutine *g)
{
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t count = goroutine_stack(g, pcs, STACK_MAX_FRAMES);
    goroutine_print_header(out, g);
    if (!g->started)
        fputs("  (not started yet)\n", out);
    else if (!stack_print(out, pcs, count, false))
        /* as the main goroutine of a test whose body has returned */
        fputs("  (in weft's own code: no frame of the program)\n", out);
    goroutine_print_creation(out, g);
}

_Noreturn static void die(void)
{
    fflush(stderr);
    exit(WEFT_EXIT_PANIC);
}

/* A panic on a thread that runs no goroutine: before the runtime started
 * (the program's first weft call panicked; the thread would have been
 * goroutine 1), or on a thread of the program's own. */
static void print_thread_stack(FILE *out)
{
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t count = stack_capture(pcs, STACK_MAX_FRAMES, 0);
    fputs(rt.initialized ? "thread (running no goroutines):\n"
                         : "goroutine 1 [running]:\n",
          out);
    stack_print(out, pcs, count, false);
}

_Noreturn static void vpanic(const char *format, va_list args)
{
    fflush(stdout);
    fputs("panic: ", stderr);
    vfprintf(stderr, format, args);
    fputs("\n\n", stderr);
    if (rt.initialized && ws.current && ws.current != ws.idle)
        goroutine_print(stderr, ws.current);
    else
        print_thread_stack(stderr);
    die();
}

void runtime_panic(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vpanic(format, args);
}

void weft_panic(const char *format, ...)
{
    runtime_init_if_needed();
    va_list args;
    va_start(args, format);
    vpanic(format, args);
}

void runtime_nil_panic(const char *call, const char *what)
{
    runtime_init_if_needed(); /* it may be the program's first weft call */
    runtime_panic("%s: nil %s", call, what);
}

void runtime_deadlock(void)
{
    fflush(stdout);
    if (goroutines_live() == 0 && rt.main_exited) {
        fputs("fatal error: no goroutines (main called weft_exit) - "
              "deadlock!\n",
              stderr);
        die();
    }
    fputs("fatal error: all goroutines are asleep - deadlock!\n", stderr);
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g)) {
        fputc('\n', stderr);
        goroutine_print(stderr, g);
    }
    die();
}

void runtime_print_current_goroutine(FILE *out)
{
    runtime_init_if_needed();
    goroutine_print(out, ws.current);
}
