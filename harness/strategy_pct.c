/*
 * pct:D:K (probabilistic concurrency testing, Burckhardt et al.): each
 * goroutine gets a random priority when first seen, the highest-priority
 * runnable one runs, and at D-1 random steps in [1, K] the running
 * goroutine drops below all others. A bug of depth D among n goroutines
 * and K steps is found with probability at least 1/(n K^(D-1)) a run.
 *
 * Change-point priorities are 1..D-1; initial priorities have the top bit
 * set, so every goroutine not yet demoted runs before every demoted one.
 */
#include <stdlib.h>

#include "strategies.h"

struct pct_strategy {
    struct weft_strategy base;
    uint64_t rng[4];
    uint64_t change_points[8]; /* steps; 0 once passed */
    unsigned change_count;
    uint64_t *priority_ids; /* goroutine ids, in the order first seen */
    uint64_t *priorities;
    size_t priority_count, priority_capacity;
};

static uint64_t *priority_of(struct pct_strategy *s, uint64_t id)
{
    for (size_t i = 0; i < s->priority_count; i++)
        if (s->priority_ids[i] == id)
            return &s->priorities[i];
    if (s->priority_count == s->priority_capacity) {
        size_t capacity = s->priority_capacity ? s->priority_capacity * 2 : 16;
        s->priority_ids = realloc(s->priority_ids, capacity * sizeof(uint64_t));
        s->priorities = realloc(s->priorities, capacity * sizeof(uint64_t));
        if (!s->priority_ids || !s->priorities)
            abort();
        s->priority_capacity = capacity;
    }
    s->priority_ids[s->priority_count] = id;
    /* initial priorities lie above every change-point priority */
    s->priorities[s->priority_count] = weft_random_next(s->rng) | 1ull << 63;
    return &s->priorities[s->priority_count++];
}

static size_t pct_choose(struct weft_strategy *self,
                         const struct weft_choice *c)
{
    struct pct_strategy *s = (struct pct_strategy *)self;
    if (c->kind != WEFT_CHOOSE_GOROUTINE)
        return (size_t)weft_random_below(s->rng, c->count);
    for (unsigned i = 0; i < s->change_count; i++)
        if (s->change_points[i] && c->step >= s->change_points[i]) {
            s->change_points[i] = 0;
            *priority_of(s, c->current) = i + 1;
        }
    size_t best = 0;
    uint64_t best_priority = 0;
    for (size_t i = 0; i < c->count; i++) {
        uint64_t p = *priority_of(s, c->options[i].id);
        if (p > best_priority) {
            best = i;
            best_priority = p;
        }
    }
    return best;
}

struct weft_strategy *strategy_pct_create(const struct strategy_args *args)
{
    struct pct_strategy *s = strategy_alloc(sizeof *s, "pct", pct_choose);
    weft_random_seed(s->rng, args->seed);
    const struct strategy_spec *spec = args->spec;
    s->change_count = spec->depth > 1 ? spec->depth - 1 : 0;
    for (unsigned i = 0; i < s->change_count; i++)
        s->change_points[i] = 1 + weft_random_below(s->rng, spec->steps);
    return &s->base;
}
