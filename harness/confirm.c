/*
 * Confirming a potential deadlock: turning a lock-order cycle into a
 * schedule that deadlocks, so it comes with decisions that replay it.
 *
 * The runtime marks a goroutine whose next operation takes lock i+1 of the
 * cycle while it holds lock i; the confirm strategy runs such a goroutine
 * only when nothing else can. So each goroutine of the cycle is held just
 * before its inverted acquisition until the others reach theirs, and then
 * every one of them waits for the next.
 */
#include <stdlib.h>

#include "explore.h"

enum { CONFIRM_SCHEDULES = 100, CONFIRM_SEED = 0xc0f1 };

void confirm_lock_cycle(const struct weft_explore_options *o,
                        const struct schedule_request *request,
                        struct decision_log *log, struct weft_verdict *verdict)
{
    FILE *out = o->report_file;
    size_t length = log->lock_cycle_length;
    if (length == 0) {
        fputs("    not confirmed: the cycle was not recorded\n", out);
        return;
    }
    const void *cycle[LOCK_CYCLE_MAX];
    for (size_t i = 0; i < length; i++)
        cycle[i] = log->lock_cycle[i];
    uint64_t budget =
        o->iterations < CONFIRM_SCHEDULES ? o->iterations : CONFIRM_SCHEDULES;
    struct strategy_spec spec = {.kind = STRATEGY_CONFIRM};
    for (uint64_t i = 0; i < budget; i++) {
        uint64_t seed = explore_seed(o->seed ^ CONFIRM_SEED, i);
        struct schedule_request attempt =
            explore_request(o, request->body, &spec, seed, log);
        attempt.lock_target = cycle;
        attempt.lock_target_length = length;
        struct schedule_result result;
        schedule_run(&attempt, &result);
        free(result.output);
        if (result.kind != WEFT_DEADLOCK)
            continue;
        /* again, as the explorer does for the failure it shows: with the
         * creation stacks its report (and a replay) prints */
        attempt.creation_stacks = true;
        schedule_run(&attempt, &result);
        fprintf(out,
                "    confirmed: seed 0x%llx (confirmation schedule %llu) "
                "deadlocks:\n",
                (unsigned long long)seed, (unsigned long long)i + 1);
        explore_print_failure(out, o, &result, &spec, seed, log, verdict);
        free(result.output);
        minimise_and_explain(out, &attempt, WEFT_DEADLOCK, log, o->trace_path);
        return;
    }
    fprintf(out, "    not reached in %llu schedules\n",
            (unsigned long long)budget);
    fflush(out);
}
