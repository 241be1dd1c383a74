/*
 * A run past the harness's limits (harness_hooks.h): too many scheduling
 * points, or too much wall-clock time. Either is a hang, which the
 * harness's on_hang reports with every goroutine's stack, as Go's test
 * timeout does, and ends the process.
 *
 * Invariants:
 *  - Steps are counted by sched_point_slow at every point, also where a
 *    goroutine runs alone and no choice is made, so a lone loop is caught.
 *  - The time limit is a POSIX timer of this process, signalled to the
 *    thread that runs the goroutines (SIGALRM, on the alternate signal
 *    stack crash.c installs): a goroutine spinning without a weft call is
 *    interrupted where it spins, and its stack unwound from the signal's
 *    context. The child measures its own limit, so the parent only keeps a
 *    SIGKILL a little later, for a child that cannot report (the signal
 *    blocked or taken by the test, or caught inside the allocator).
 *  - Like a crash report, the report does what is not async-signal-safe:
 *    the process is ending, and one thread runs every goroutine.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "exit_status.h"
#include "harness_hooks.h"
#include "runtime.h"

static struct {
    pid_t timer_pid; /* the process the timer was made in (fork drops it) */
    timer_t timer;
    void *interrupted; /* the time limit's ucontext, while reporting */
} hang;

_Noreturn static void report(enum runtime_hang why)
{
    DETECT(ignore_begin); /* the report's work is not the program's */
    fflush(stdout);       /* what the program printed comes first */
    if (rt_process.harness.on_hang)
        rt_process.harness.on_hang(why);
    _exit(WEFT_EXIT_HANG);
}

void hang_past_step_limit(void)
{
    rt.step_limit = UINT64_MAX; /* the report's own points pass */
    report(RUNTIME_HANG_STEPS);
}

static void on_time_limit(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)info;
    hang.interrupted = context;
    report(RUNTIME_HANG_TIME);
}

/* The timer and its handler, once per process; none when the program
 * handles SIGALRM itself (its handler wins, as for crashes: the parent's
 * kill is the limit then). */
static bool create_timer(void)
{
    if (hang.timer_pid == getpid())
        return true;
    struct sigaction action = {
        .sa_sigaction = on_time_limit,
        .sa_flags = SA_SIGINFO | SA_ONSTACK,
    }, old;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGALRM, &action, &old) != 0)
        return false;
    if ((old.sa_flags & SA_SIGINFO) ? old.sa_sigaction != on_time_limit
                                    : old.sa_handler != SIG_DFL) {
        sigaction(SIGALRM, &old, NULL);
        return false;
    }
    struct sigevent event = {
        .sigev_notify = SIGEV_THREAD_ID,
        .sigev_signo = SIGALRM,
    };
    event._sigev_un._tid = gettid(); /* not a helper thread */
    if (timer_create(CLOCK_MONOTONIC, &event, &hang.timer) != 0)
        return false;
    hang.timer_pid = getpid();
    return true;
}

void hang_limits_start(void)
{
    const struct runtime_run_settings *settings = &rt_process.harness;
    bool set = rt_process.harness_set;
    rt.step_limit = set && settings->max_steps ? settings->max_steps
                                               : UINT64_MAX;
    rt.step_count = set ? settings->step_count : NULL;
    if (!set || settings->time_limit_ns <= 0 || !create_timer())
        return;
    int64_t ns = settings->time_limit_ns;
    struct itimerspec when = {
        .it_value = {.tv_sec = ns / WEFT_SECOND, .tv_nsec = ns % WEFT_SECOND},
    };
    timer_settime(hang.timer, 0, &when, NULL);
}

void runtime_prepare_reuse(void)
{
    crash_handlers_install();
    create_timer();
}

void runtime_stop_limits(void)
{
    if (hang.timer_pid == getpid())
        timer_settime(hang.timer, 0, &(struct itimerspec){0}, NULL);
}

void runtime_print_goroutines(FILE *out)
{
    if (!rt.initialized || !ws.current)
        return;
    if (hang.interrupted) {
        crash_print_goroutines(out, hang.interrupted);
        return;
    }
    fputc('\n', out);
    goroutine_print(out, ws.current);
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (g != ws.current) {
            fputc('\n', out);
            goroutine_print(out, g);
        }
}

size_t runtime_other_goroutines(uint64_t *ids, size_t max)
{
    size_t count = 0;
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (g->id != 1) {
            if (count < max)
                ids[count] = g->id;
            count++;
        }
    return count;
}
