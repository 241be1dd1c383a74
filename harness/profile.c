/*
 * surw's profile (strategy_surw.c): how many scheduling points each
 * goroutine passes, from one run of the test without preemptions (dfs:0
 * from its start). It depends on the program alone, not on a seed, so the
 * exploration that finds a surw schedule and the replay of its seed fill
 * the same profile, and the spec's text ("surw") need not carry it.
 */
#include <stdlib.h>

#include "profile.h"

void profile_fill(struct strategy_spec *spec,
                  const struct weft_explore_options *o, void (*body)(void),
                  struct decision_log *log)
{
    if (spec->kind != STRATEGY_SURW || spec->profile.filled)
        return;
    struct strategy_spec no_preemptions = {.kind = STRATEGY_DFS, .depth = 0};
    struct schedule_request request =
        explore_request(o, body, &no_preemptions, 0, log);
    struct schedule_result result;
    schedule_run(&request, &result);
    free(result.output);
    struct goroutine_profile *profile = &spec->profile;
    size_t recorded = log->count < log->capacity ? log->count : log->capacity;
    for (size_t i = 0; i < recorded; i++) {
        const struct decision *d = &log->decisions[i];
        if (d->current_id >= PROFILE_GOROUTINES)
            continue;
        uint64_t points = d->current_points < UINT16_MAX ? d->current_points
                                                         : UINT16_MAX;
        if (points > profile->points[d->current_id])
            profile->points[d->current_id] = (uint16_t)points;
    }
    profile->filled = true;
}
