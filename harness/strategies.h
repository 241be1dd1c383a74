/*
 * The strategies a schedule runs under. Each kind is one file behind the
 * weft_strategy vtable (strategy_random.c, strategy_pct.c, strategy_dfs.c,
 * strategy_confirm.c); the schedule strategy (schedule_strategy.c) wraps
 * the one a spec names with forced decisions and records every decision.
 */
#ifndef WEFT_HARNESS_STRATEGIES_H
#define WEFT_HARNESS_STRATEGIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "decision_log.h"
#include "weft.h"

/* ---- specs (strategy_spec.c) ---- */

/* confirm: random, but a goroutine about to close the targeted lock-order
 * cycle runs only when nothing else can (strategy_confirm.c); not for
 * users, who replay its schedules by their decisions. */
enum strategy_kind {
    STRATEGY_RANDOM,
    STRATEGY_PCT,
    STRATEGY_DFS,
    STRATEGY_CONFIRM,
    STRATEGY_POS,
    STRATEGY_SURW,
};

enum { PROFILE_GOROUTINES = 128 };

/* surw's estimate of how many scheduling points each goroutine passes in a
 * run: those of one random run of seed 0 (profile.c), by goroutine id
 * (ids past the table: the mean of those in it). A pure function of the
 * program, so it is not part of the spec's text: whoever runs a surw spec
 * fills it first. */
struct goroutine_profile {
    bool filled;
    uint16_t points[PROFILE_GOROUTINES]; /* by id; 0: not seen */
};

struct strategy_spec {
    enum strategy_kind kind;
    unsigned depth; /* pct: bug depth d; dfs: preemption bound */
    uint64_t steps; /* pct: the step count k its change points span */
    bool full;      /* dfs: without the sleep-set reduction */
    /* surw: three quarters of the objects interesting, and half the
     * schedules walking abreast ("surw:abreast", strategy_surw.c) */
    bool abreast;
    struct goroutine_profile profile; /* surw */
};

/* Parses "random", "pct", "pct:D", "pct:D:K", "dfs", "dfs:B",
 * "dfs:B:full" (no reduction: for measuring the reduction), "pos",
 * "surw", "surw:abreast". */
bool strategy_spec_parse(const char *text, struct strategy_spec *out);
/* "random", "pct:3:200", "dfs:2": parses back to the same spec. */
void strategy_spec_format(const struct strategy_spec *spec, char *out,
                          size_t size);

/* ---- the kinds, one file each ---- */

/* What a strategy is made from. */
struct strategy_args {
    const struct strategy_spec *spec;
    uint64_t seed;
    const struct weft_option *sleep; /* dfs: asleep where the forced prefix
                                        ends (copied) */
    size_t sleep_count;
};

/* A kind's strategy of size bytes, its weft_strategy first: zeroed, with
 * the vtable all kinds share (preemptive, virtual time) and its choose;
 * allocated for the schedule's process, which ends with it. */
static inline void *strategy_alloc(size_t size, const char *name,
                                   size_t (*choose)(struct weft_strategy *,
                                                    const struct weft_choice *))
{
    struct weft_strategy *s = calloc(1, size);
    if (!s)
        abort();
    *s = (struct weft_strategy){
        .name = name,
        .preemptive = true,
        .virtual_time = true,
        .choose = choose,
    };
    return s;
}

/* A strategy's value for goroutine id in a table that grows to hold it
 * (ids are small and dense: numbered in creation order); new slots 0. */
static inline uint64_t *goroutine_slot(uint64_t **table, size_t *capacity,
                                       uint64_t id)
{
    if (id >= *capacity) {
        size_t grown = id < 32 ? 64 : (size_t)id * 2;
        uint64_t *bigger = realloc(*table, grown * sizeof *bigger);
        if (!bigger)
            abort();
        for (size_t i = *capacity; i < grown; i++)
            bigger[i] = 0;
        *table = bigger;
        *capacity = grown;
    }
    return &(*table)[id];
}

/* Each returns a strategy (strategy_alloc) that makes the spec's own
 * choices. */
struct weft_strategy *strategy_random_create(const struct strategy_args *args);
struct weft_strategy *strategy_pct_create(const struct strategy_args *args);
struct weft_strategy *strategy_dfs_create(const struct strategy_args *args);
struct weft_strategy *strategy_confirm_create(const struct strategy_args *args);
struct weft_strategy *strategy_pos_create(const struct strategy_args *args);
struct weft_strategy *strategy_surw_create(const struct strategy_args *args);

/* dfs's partial-order reduction (transitions.c): two transitions (a
 * goroutine's next operation) commute unless they belong to one goroutine
 * or touch one object; operations on no object that change nothing
 * another goroutine sees (start, exit, yield, go) commute with all, the
 * others (sleep, timers, a select over several channels) with none. */
bool transitions_dependent(const struct weft_option *a,
                           const struct weft_option *b);
/* start, exit, yield, go: nothing another goroutine sees. */
bool touches_nothing_shared(enum weft_op op);
/* pos's races (transitions.c): operations of two goroutines on one object
 * (two on no known object, atomics or accesses, count as one object);
 * narrower than transitions_dependent, which must be sound for dfs. */
bool transitions_conflict(const struct weft_option *a,
                          const struct weft_option *b);

/* ---- the schedule strategy (schedule_strategy.c) ---- */

/* The strategy a schedule runs under: forced decisions (a replayed
 * schedule string, a dfs prefix) followed by the spec's own choices (the
 * inner strategy); every decision is recorded into log. */
struct schedule_strategy {
    struct weft_strategy base;
    struct weft_strategy *inner;
    const struct decision *forced;
    size_t forced_count;
    /* forced decisions apply where they were made (the current goroutine
     * and how far it had run), not by position: minimising edits schedules */
    bool forced_by_key;
    /* with forced_by_key: goroutines not to run where another can, without
     * a preemption (minimising tries to leave one for after the failure) */
    const uint64_t *postponed;
    size_t postponed_count;
    struct decision_log *log;
    bool record_options; /* every decision's options, for dfs (O(n) each) */
};

void schedule_strategy_init(struct schedule_strategy *s,
                            const struct strategy_args *args,
                            struct decision_log *log);

#endif
