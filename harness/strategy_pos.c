/*
 * pos (partial order sampling, Yuan, Yang and Gu, CAV 2018): every event
 * (a goroutine's pending operation) has a random priority, the enabled
 * event of the highest priority runs, and running it gives fresh
 * priorities to the events it races with (transitions_conflict: the same
 * object) and to its goroutine's next event. Events that commute keep
 * their order of priority, so the schedules sampled are spread over
 * partial orders rather than interleavings: a bug among many goroutines
 * that needs one of them to act in a narrow window is found with a
 * probability that does not fall with their number as random's does.
 *
 * Invariant: priority[id] is the priority of goroutine id's pending
 * event, or 0 when that event has none yet (it is drawn when the event is
 * first an option). A goroutine's event changes only when it runs, so
 * its priority is cleared when it is chosen.
 *
 * Cost: O(n log n) in n options, as it reads them all: the events to
 * reprioritise are found by their object, which the runtime's run queue
 * does not index.
 */
#include "strategies.h"

struct pos_strategy {
    struct weft_strategy base;
    uint64_t rng[4];
    uint64_t *priority; /* by goroutine id; 0: not drawn */
    size_t capacity;
};

static uint64_t priority_of(struct pos_strategy *s, uint64_t id)
{
    uint64_t *slot = goroutine_slot(&s->priority, &s->capacity, id);
    if (*slot == 0)
        *slot = weft_random_next(s->rng) | 1;
    return *slot;
}

static size_t pos_choose(struct weft_strategy *self,
                         const struct weft_choice *c)
{
    struct pos_strategy *s = (struct pos_strategy *)self;
    if (c->kind != WEFT_CHOOSE_GOROUTINE)
        return (size_t)weft_random_below(s->rng, c->count);
    size_t best = 0;
    uint64_t best_priority = 0;
    for (size_t i = 0; i < c->count; i++) {
        uint64_t p = priority_of(s, weft_choice_option(c, i).id);
        if (p > best_priority) {
            best = i;
            best_priority = p;
        }
    }
    struct weft_option executed = weft_choice_option(c, best);
    *goroutine_slot(&s->priority, &s->capacity, executed.id) = 0;
    for (size_t i = 0; i < c->count; i++) {
        struct weft_option other = weft_choice_option(c, i);
        if (transitions_conflict(&executed, &other))
            s->priority[other.id] = 0; /* slot exists: drawn above */
    }
    return best;
}

struct weft_strategy *strategy_pos_create(const struct strategy_args *args)
{
    struct pos_strategy *s = strategy_alloc(sizeof *s, "pos", pos_choose);
    weft_random_seed(s->rng, args->seed);
    return &s->base;
}
