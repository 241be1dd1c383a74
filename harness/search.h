/*
 * The searches: each runs schedules (run.h) until one fails or its budget
 * is spent, and returns what it found; reporting it is failure.c's job.
 * The default portfolio (portfolio.c), systematic dfs (dfs.c), and the
 * confirmation of a potential deadlock (confirm.c).
 */
#ifndef WEFT_HARNESS_SEARCH_H
#define WEFT_HARNESS_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "decision_log.h"
#include "run.h"
#include "strategies.h"
#include "weft.h"

/* A failing schedule a search found: its request, owning what it points to
 * (request_keep; the finder's caller releases it with request_release),
 * and its number among the schedules that search ran, from 1. */
struct found_failure {
    struct schedule_request request;
    uint64_t number;
};

/* The default portfolio, or the one strategy fixed (NULL: none; pct's
 * steps left 0 are calibrated), over o's iterations, shard and workers.
 * Counts the schedules run in verdict; returns whether one failed, with
 * the lowest failing index in *found (its workers share only that index,
 * not the verdict: the report's run tells it). */
bool explore_portfolio(void (*fn)(void), const struct weft_explore_options *o,
                       const struct strategy_spec *fixed,
                       struct decision_log *log, struct weft_verdict *verdict,
                       struct found_failure *found);

/* Systematic exploration within spec's preemption bound, bound by bound.
 * Returns the runs, the distinct schedules and whether the space was
 * exhausted and, in kind, WEFT_PASS or the failure found (*found filled). */
struct weft_verdict explore_dfs(void (*fn)(void),
                                const struct weft_explore_options *o,
                                const struct strategy_spec *spec,
                                struct decision_log *log,
                                struct found_failure *found);

/* After a potential deadlock (the cycle in log, not empty): runs up to 100
 * schedules of body (whatever o's iterations) that hold each goroutine just
 * before its inverted acquisition until the others reach theirs. Returns
 * whether one deadlocked (*found filled); *tried is the schedules run. */
bool confirm_lock_cycle(const struct weft_explore_options *o,
                        void (*body)(void), struct decision_log *log,
                        struct found_failure *found, uint64_t *tried);

#endif
