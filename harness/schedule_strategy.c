/*
 * The strategy a schedule runs under (the one the runtime sees): forced
 * decisions first — a replayed schedule string or a dfs prefix by
 * position, or, when minimising, decisions applied where they were made —
 * then the spec's own strategy (strategy_<kind>.c), reached through its
 * weft_strategy vtable. Every decision, whoever made it, is recorded in the
 * shared log, so the parent can read it. (The step limit is the
 * runtime's: it counts the points where nothing is chosen too; hang.c.)
 *
 * The inner strategy is asked only for the decisions nothing forced, so
 * its state (a generator, priorities, a sleep set) advances exactly as in
 * a run without them.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_status.h"
#include "strategies.h"

/* Each kind's constructor: the vtable of every kind, one file each. */
static struct weft_strategy *(*const create[])(const struct strategy_args *) = {
    [STRATEGY_RANDOM] = strategy_random_create,
    [STRATEGY_PCT] = strategy_pct_create,
    [STRATEGY_DFS] = strategy_dfs_create,
    [STRATEGY_CONFIRM] = strategy_confirm_create,
    [STRATEGY_POS] = strategy_pos_create,
    [STRATEGY_SURW] = strategy_surw_create,
};

_Noreturn static void diverged(uint64_t decision, uint32_t index, size_t count)
{
    fflush(stdout);
    fprintf(stderr,
            "weft: the schedule does not fit this program: decision %llu "
            "chooses option %u of %zu (was the test or binary changed?)\n",
            (unsigned long long)decision, index, count);
    fflush(stderr);
    _exit(WEFT_EXIT_PANIC);
}

/* Minimising edits schedules, so a forced decision applies where it was
 * made: the same kind of choice, by the same goroutine, at the same point
 * of its own run. Goroutine choices name the goroutine; one that cannot
 * run now, or a choice no decision was made at, takes option 0 (going on,
 * or the longest runnable). */
static bool postponed(const struct schedule_strategy *s, uint64_t id)
{
    for (size_t i = 0; i < s->postponed_count; i++)
        if (s->postponed[i] == id)
            return true;
    return false;
}

/* Where the current goroutine cannot go on, anyone not postponed rather
 * than a postponed one. */
static size_t avoid_postponed(const struct schedule_strategy *s,
                              const struct weft_choice *c, size_t index)
{
    if (c->kind != WEFT_CHOOSE_GOROUTINE || c->current_can_continue ||
        !postponed(s, weft_choice_option(c, index).id))
        return index;
    for (size_t i = 0; i < c->count; i++)
        if (!postponed(s, weft_choice_option(c, i).id))
            return i;
    return index;
}

static size_t forced_by_key(const struct schedule_strategy *s,
                            const struct weft_choice *c)
{
    bool goroutine = c->kind == WEFT_CHOOSE_GOROUTINE;
    for (size_t i = 0; i < s->forced_count; i++) {
        const struct decision *d = &s->forced[i];
        if (d->current_id != c->current ||
            d->current_points != c->current_points ||
            d->goroutine != goroutine ||
            d->preemptible != c->current_can_continue)
            continue;
        if (!goroutine)
            return d->index < c->count ? d->index : 0;
        for (size_t j = 0; j < c->count; j++)
            if (weft_choice_option(c, j).id == d->chosen_id)
                return j;
        return 0;
    }
    return 0;
}

/* Every option of a choice, O(count): only where dfs needs them. */
static uint64_t record_options(struct decision_log *log,
                               const struct weft_choice *c)
{
    if (log->option_count + c->count > log->option_capacity)
        return NO_OPTIONS;
    uint64_t first = log->option_count;
    for (size_t i = 0; i < c->count; i++)
        log->options[first + i] = weft_choice_option(c, i);
    log->option_count += c->count;
    return first;
}

/* O(log count) unless the options are recorded. */
static void record(const struct schedule_strategy *s,
                   const struct weft_choice *c, size_t index)
{
    struct decision_log *log = s->log;
    if (log->count < log->capacity) {
        bool goroutine = c->kind == WEFT_CHOOSE_GOROUTINE;
        log->decisions[log->count] = (struct decision){
            .index = (uint32_t)index,
            .count = (uint32_t)c->count,
            .preemptible = c->current_can_continue,
            .goroutine = goroutine,
            .chosen_id = weft_choice_option(c, index).id,
            .continue_id = weft_choice_option(c, 0).id,
            .current_id = c->current,
            .current_points = c->current_points,
            .first_option =
                s->record_options ? record_options(log, c) : NO_OPTIONS};
    }
    log->count++;
    if (c->current_can_continue && index != 0)
        log->preemptions++;
}

static size_t schedule_choose(struct weft_strategy *self,
                              const struct weft_choice *c)
{
    struct schedule_strategy *s = (struct schedule_strategy *)self;
    struct decision_log *log = s->log;
    size_t index;
    if (s->forced_by_key) {
        index = avoid_postponed(s, c, forced_by_key(s, c));
    } else if (log->count < s->forced_count) {
        index = s->forced[log->count].index;
        if (index >= c->count)
            diverged(log->count, (uint32_t)index, c->count);
    } else {
        index = s->inner->choose(s->inner, c);
    }
    record(s, c, index);
    return index;
}

/* The inner strategy's ranks, forced decisions or not: a rank is asked
 * when a goroutine is queued, not at a decision. */
static uint64_t schedule_rank(struct weft_strategy *self, uint64_t id)
{
    struct weft_strategy *inner = ((struct schedule_strategy *)self)->inner;
    return inner->rank(inner, id);
}

void schedule_strategy_init(struct schedule_strategy *s,
                            const struct strategy_args *args,
                            struct decision_log *log)
{
    memset(s, 0, sizeof *s);
    s->base = (struct weft_strategy){
        .name = "harness",
        .preemptive = true,
        .virtual_time = true,
        .choose = schedule_choose,
    };
    s->inner = create[args->spec->kind](args);
    s->base.rank = s->inner->rank ? schedule_rank : NULL;
    s->record_options = args->spec->kind == STRATEGY_DFS;
    s->log = log;
}
