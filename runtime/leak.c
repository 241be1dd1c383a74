/*
 * Goroutine leaks (the goleak check, built in): goroutines still blocked
 * when the main goroutine is done — a test returning under the harness, or,
 * with WEFT_OPTIONS=report_leaks=1, an ordinary program's main() or
 * weft_run's main_fn returning. Each is listed with its state, the stack it
 * blocks in and the stack of the weft_go call that started it.
 *
 * Creation stacks cost an unwind per weft_go, so they are recorded only
 * when a leak report may follow (rt.record_creation_stacks); otherwise
 * goroutines keep the one pc of their weft_go call.
 */
#include <stdlib.h>
#include <unistd.h>

#include "exit_status.h"
#include "harness_hooks.h"
#include "netpoll.h"
#include "runtime.h"

static bool anyone_sleeping(void)
{
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (g->status == G_WAITING && g->wait_reason == WAIT_SLEEP &&
            g != ws.current)
            return true;
    return false;
}

/* Until the next timer fires: sleeping one step at a time would take a
 * virtual nanosecond per step, and a sleep of milliseconds would hang. */
static int64_t until_next_timer(void)
{
    int64_t wait =
        rt.timers.count ? rt.timers.timers[0]->when - clock_now() : 0;
    return wait > 0 ? wait : 1;
}

/* Lets the others run (and sleepers wake) until none can make progress,
 * then lists the goroutines still blocked; returns how many. */
static size_t report_blocked(FILE *out, const char *when)
{
    /* a goroutine that would still finish is not a leak: let it (the
     * check's own yields and sleeps are not steps of the program) */
    rt.untraced = ws.current;
    for (;;) {
        if (ws.runnable.length)
            weft_yield();
        else if (anyone_sleeping())
            weft_sleep(until_next_timer());
        else if (!netpoll_waiting() || !netpoll_poll_now())
            break; /* nor any I/O that is ready */
    }
    rt.untraced = NULL;
    size_t leaked = 0;
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        leaked += g != ws.current && g->status == G_WAITING;
    if (leaked == 0)
        return 0;
    fflush(stdout);
    fprintf(out, "leak: %zu goroutine%s still blocked when %s\n", leaked,
            leaked == 1 ? "" : "s", when);
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (g != ws.current && g->status == G_WAITING) {
            fputc('\n', out);
            goroutine_print(out, g);
        }
    return leaked;
}

size_t runtime_report_leaks(FILE *out)
{
    runtime_init_if_needed();
    return report_blocked(out, "the test returned");
}

/* Whether the main goroutine is what is ending: not a goroutine calling
 * exit(), not main after weft_exit. */
static bool main_is_ending(void)
{
    return rt.report_leaks && rt.initialized &&
           ws.current == &rt.main_goroutine && !rt.main_exited;
}

/* Reports leaks if the main goroutine is ending with some; once. */
static bool leaked_at_main_end(void)
{
    if (!main_is_ending())
        return false;
    rt.report_leaks = false;
    if (report_blocked(stderr, "main returned") == 0)
        return false;
    fflush(NULL);
    return true;
}

void leaks_check_at_main_end(void)
{
    if (leaked_at_main_end())
        exit(WEFT_EXIT_LEAK);
}

/* main() returned into exit(), or called it. exit() may not be called
 * again from here, so the status is set with _exit, skipping the handlers
 * registered before this one (the detector's race status among them). */
static void check_at_exit(void)
{
    if (leaked_at_main_end())
        _exit(WEFT_EXIT_LEAK);
}

void leaks_check_at_exit_install(void)
{
    static bool installed;
    if (installed)
        return;
    installed = true;
    atexit(check_at_exit);
}
