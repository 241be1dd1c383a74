/*
 * What a schedule past its limits prints (the runtime's on_hang, hang.c):
 * which limit, what kept running after the test returned when it had, and
 * every goroutine's stack, as Go's test timeout does; then the hang status.
 * Runs in the schedule's process, at the time limit from a signal handler.
 */
#include <stdlib.h>
#include <unistd.h>

#include "exit_status.h"
#include "harness_hooks.h"
#include "run.h"

enum { NAMED_GOROUTINES_MAX = 8 };

static struct {
    uint64_t max_steps;
    int64_t timeout_ns;
    const struct decision_log *log;
} limits;

/* "goroutine 2", "goroutines 2, 3 and 5" */
static void name_goroutines(FILE *out, const uint64_t *ids, size_t count)
{
    size_t named = count < NAMED_GOROUTINES_MAX ? count : NAMED_GOROUTINES_MAX;
    fprintf(out, "goroutine%s", count == 1 ? "" : "s");
    for (size_t i = 0; i < named; i++)
        fprintf(out, "%s %llu", i == 0 ? "" : i + 1 == count ? " and" : ",",
                (unsigned long long)ids[i]);
    if (named < count)
        fprintf(out, " and %zu more", count - named);
}

/* The plain statement: the test was done; its goroutines were not. */
static void say_what_kept_running(FILE *out)
{
    uint64_t ids[NAMED_GOROUTINES_MAX];
    size_t count = runtime_other_goroutines(ids, NAMED_GOROUTINES_MAX);
    fputs("hang: the test returned, but ", out);
    if (count == 0) {
        fputs("its end did not come\n", out);
        return;
    }
    name_goroutines(out, ids, count);
    fprintf(out,
            " kept running after it: a goroutine that neither ends nor "
            "blocks (a poller, a ticker) must be stopped before the test "
            "returns\n");
}

_Noreturn static void report_hang(enum runtime_hang why)
{
    FILE *out = stderr;
    if (why == RUNTIME_HANG_STEPS)
        fprintf(out,
                "hang: the schedule exceeded %llu steps (a livelock, or "
                "raise --max-steps)\n",
                (unsigned long long)limits.max_steps);
    else
        fprintf(out, "hang: the schedule exceeded its time limit (%g s)\n",
                (double)limits.timeout_ns / WEFT_SECOND);
    if (limits.log->body_returned)
        say_what_kept_running(out);
    runtime_print_goroutines(out);
    fflush(out);
    _exit(WEFT_EXIT_HANG);
}

void hang_report_settings(const struct schedule_request *request,
                          struct runtime_run_settings *settings)
{
    limits.max_steps = request->max_steps;
    limits.timeout_ns = request->timeout_ns;
    limits.log = request->log;
    settings->max_steps = request->max_steps;
    settings->time_limit_ns = request->timeout_ns;
    settings->on_hang = report_hang;
    settings->step_count = &request->log->steps;
}
