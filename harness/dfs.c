/*
 * dfs:B — systematic exploration of every schedule with at most B
 * preemptions (CHESS's preemption bounding), statelessly, with sleep sets
 * (Godefroid) so interleavings that differ only in the order of commuting
 * operations run once.
 *
 * Each run replays a forced prefix of decisions, then takes the first
 * goroutine not asleep at every choice (never a preemption of its own);
 * the decisions it records extend the search tree, and backtracking picks
 * the deepest decision with an option not yet explored there, not asleep,
 * whose preemption cost still fits the bound. Choosing another goroutine
 * where the running one could have gone on costs one preemption; every
 * other choice (a blocked goroutine's successor, a select case, a timer)
 * is free.
 *
 * Sleep sets: after option a is explored at a node, a stays asleep in the
 * sibling subtrees until something dependent on it runs. A run in which
 * every enabled goroutine is asleep is redundant and exits early (pruned).
 * Combined with preemption bounding this can miss schedules (as CHESS
 * notes); the count reported is of the schedules actually run.
 *
 * The first failing run ends the search: it is returned, not reported
 * (failure.c reports it; minimise.c searches with dfs too).
 *
 * Invariant: frames[0..depth) is the path of the last run.
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"

struct frame {
    uint32_t chosen;
    uint32_t count;
    bool preemptible;
    bool goroutine;
    unsigned preemptions_before;
    struct weft_option *options; /* NULL: not recorded */
    struct weft_option *sleep;   /* asleep at this node */
    size_t sleep_count;
    uint32_t *explored; /* options run from this node */
    size_t explored_count;
};

static unsigned cost(const struct frame *f, uint32_t option)
{
    return f->preemptible && option != 0;
}

static bool option_asleep(const struct frame *f, uint32_t option)
{
    if (!f->goroutine || !f->options || !f->sleep)
        return false;
    const struct weft_option *t = &f->options[option];
    for (size_t i = 0; i < f->sleep_count; i++)
        if (f->sleep[i].id == t->id && f->sleep[i].op == t->op &&
            f->sleep[i].object == t->object)
            return true;
    return false;
}

static bool explored(const struct frame *f, uint32_t option)
{
    for (size_t i = 0; i < f->explored_count; i++)
        if (f->explored[i] == option)
            return true;
    return false;
}

static void frame_free(struct frame *f)
{
    free(f->options);
    free(f->sleep);
    free(f->explored);
    memset(f, 0, sizeof *f);
}

/* The sleep set below f once f->chosen runs: what slept at f, and the
 * options explored at f before, minus what the chosen transition wakes. */
static void sleep_below(const struct frame *f, struct weft_option **out,
                        size_t *count)
{
    size_t capacity = f->sleep_count + f->explored_count;
    struct weft_option *set = malloc((capacity ? capacity : 1) * sizeof *set);
    size_t n = 0;
    if (!f->goroutine || !f->options) {
        memcpy(set, f->sleep, f->sleep_count * sizeof *set);
        *out = set;
        *count = f->sleep_count;
        return;
    }
    const struct weft_option *t = &f->options[f->chosen];
    for (size_t i = 0; i < f->sleep_count; i++)
        if (!transitions_dependent(&f->sleep[i], t))
            set[n++] = f->sleep[i];
    for (size_t i = 0; i < f->explored_count; i++) {
        const struct weft_option *e = &f->options[f->explored[i]];
        if (f->explored[i] != f->chosen && !transitions_dependent(e, t))
            set[n++] = *e;
    }
    *out = set;
    *count = n;
}

/* Moves to the next untried branch; false when the space is exhausted. */
static bool backtrack(struct frame *frames, size_t *depth, unsigned bound)
{
    while (*depth > 0) {
        struct frame *f = &frames[*depth - 1];
        for (uint32_t next = 0; next < f->count; next++)
            if (!explored(f, next) && !option_asleep(f, next) &&
                f->preemptions_before + cost(f, next) <= bound) {
                f->chosen = next;
                f->explored[f->explored_count++] = next;
                return true;
            }
        frame_free(f);
        (*depth)--;
    }
    return false;
}

/* Frames for the decisions a run made past the forced prefix. */
static void extend(struct frame *frames, size_t from, size_t to,
                   const struct decision_log *log, bool reduce)
{
    for (size_t i = from; i < to; i++) {
        const struct decision *d = &log->decisions[i];
        struct frame *f = &frames[i];
        *f = (struct frame){.chosen = d->index,
                            .count = d->count,
                            .preemptible = d->preemptible,
                            .goroutine = d->goroutine};
        if (d->first_option != NO_OPTIONS) {
            f->options = malloc(d->count * sizeof *f->options);
            memcpy(f->options, log->options + d->first_option,
                   d->count * sizeof *f->options);
        }
        f->explored = malloc(d->count * sizeof *f->explored);
        f->explored[f->explored_count++] = d->index;
        if (i > 0) {
            const struct frame *up = &frames[i - 1];
            f->preemptions_before =
                up->preemptions_before + cost(up, up->chosen);
            if (reduce)
                sleep_below(up, &f->sleep, &f->sleep_count);
        }
    }
}

/* Every schedule within spec's bound, depth first; iterations caps runs. */
static struct weft_verdict dfs_bounded(void (*fn)(void),
                                       const struct weft_explore_options *o,
                                       const struct strategy_spec *spec,
                                       struct decision_log *log,
                                       struct found_failure *found)
{
    struct weft_verdict verdict = {.kind = WEFT_PASS};
    size_t capacity = log->capacity;
    struct frame *frames = calloc(capacity, sizeof *frames);
    struct decision *prefix = calloc(capacity, sizeof *prefix);
    size_t depth = 0;
    for (;;) {
        for (size_t i = 0; i < depth; i++)
            prefix[i] = (struct decision){.index = frames[i].chosen};
        struct weft_option *sleep = NULL;
        size_t sleep_count = 0;
        if (depth > 0 && !spec->full)
            sleep_below(&frames[depth - 1], &sleep, &sleep_count);
        struct schedule_request request = explore_request(o, fn, spec, 0, log);
        request.forced = prefix;
        request.forced_count = depth;
        request.sleep = sleep;
        request.sleep_count = sleep_count;
        struct schedule_result result;
        schedule_run(&request, &result);
        free(result.output);
        if (result.kind != WEFT_PASS)
            request_keep(&found->request, &request);
        free(sleep);
        verdict.schedules++;
        verdict.distinct_schedules += !result.pruned;
        if (result.kind != WEFT_PASS) {
            /* the search ends: no frames for a run that may be a hang of
             * max_steps decisions (the parent would keep their memory) */
            verdict.kind = result.kind;
            found->number = verdict.schedules;
            break;
        }
        size_t recorded = log->count < capacity ? log->count : capacity;
        extend(frames, depth, recorded, log, !spec->full);
        depth = recorded;
        if (!backtrack(frames, &depth, spec->depth)) {
            verdict.exhausted = true;
            break;
        }
        if (verdict.schedules >= o->iterations)
            break;
    }
    for (size_t i = 0; i < depth; i++)
        frame_free(&frames[i]);
    free(frames);
    free(prefix);
    return verdict;
}

/* Iterative bounding: bound 0, then 1, ... up to the spec's, so a bug is
 * first met in a schedule with as few preemptions as possible. */
struct weft_verdict explore_dfs(void (*fn)(void),
                                const struct weft_explore_options *o,
                                const struct strategy_spec *spec,
                                struct decision_log *log,
                                struct found_failure *found)
{
    struct weft_explore_options budget = *o;
    uint64_t runs = 0;
    struct weft_verdict verdict = {.kind = WEFT_PASS};
    for (unsigned bound = 0; bound <= spec->depth; bound++) {
        struct strategy_spec bounded = *spec;
        bounded.depth = bound;
        budget.iterations = o->iterations - runs;
        verdict = dfs_bounded(
            fn, &budget, bound == spec->depth ? spec : &bounded, log, found);
        runs += verdict.schedules;
        if (verdict.kind != WEFT_PASS || !verdict.exhausted ||
            runs >= o->iterations)
            break;
    }
    verdict.schedules = runs;
    return verdict;
}
