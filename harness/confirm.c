/*
 * Confirming a potential deadlock: turning a lock-order cycle into a
 * schedule that deadlocks, so it comes with decisions that replay it.
 *
 * The runtime marks a goroutine whose next operation takes lock i+1 of the
 * cycle while it holds lock i; the confirm strategy runs such a goroutine
 * only when nothing else can. So each goroutine of the cycle is held just
 * before its inverted acquisition until the others reach theirs, and then
 * every one of them waits for the next. The deadlocking schedule is
 * returned; failure.c reports it.
 */
#include <stdlib.h>

#include "search.h"

enum { CONFIRM_SCHEDULES = 100, CONFIRM_SEED = 0xc0f1 };

bool confirm_lock_cycle(const struct weft_explore_options *o,
                        void (*body)(void), struct decision_log *log,
                        struct found_failure *found, uint64_t *tried)
{
    size_t length = log->lock_cycle_length;
    const void *cycle[LOCK_CYCLE_MAX];
    for (size_t i = 0; i < length; i++)
        cycle[i] = log->lock_cycle[i];
    /* a fixed budget, apart from o's iterations: those count the search
     * that found the cycle, and confirming it is part of reporting it, as
     * minimising is */
    uint64_t budget = CONFIRM_SCHEDULES;
    struct strategy_spec spec = {.kind = STRATEGY_CONFIRM};
    for (uint64_t i = 0; i < budget; i++) {
        uint64_t seed = explore_seed(o->seed ^ CONFIRM_SEED, i);
        struct schedule_request attempt =
            explore_request(o, body, &spec, seed, log);
        attempt.lock_target = cycle;
        attempt.lock_target_length = length;
        struct schedule_result result;
        schedule_run(&attempt, &result);
        free(result.output);
        if (result.kind != WEFT_DEADLOCK)
            continue;
        request_keep(&found->request, &attempt);
        found->number = i + 1;
        *tried = i + 1;
        return true;
    }
    *tried = budget;
    return false;
}
