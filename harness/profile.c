/*
 * surw's profile (strategy_surw.c): how many scheduling points each
 * goroutine passes, from one run of the test under random with seed 0
 * (not dfs:0, which records every option of every decision). It depends
 * on the program alone, not on the schedule's seed, so the
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
    struct strategy_spec random = {.kind = STRATEGY_RANDOM};
    struct schedule_request request = explore_request(o, body, &random, 0, log);
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
