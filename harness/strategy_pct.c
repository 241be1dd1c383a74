/*
 * pct:D:K (probabilistic concurrency testing, Burckhardt et al.): each
 * goroutine has a random priority, the highest-priority runnable one runs,
 * and at D-1 random steps in [1, K] the running goroutine drops below all
 * others. A bug of depth D among n goroutines and K steps is found with
 * probability at least 1/(n K^(D-1)) a run.
 *
 * Change-point priorities are 1..D-1; initial priorities have the top bit
 * set, so every goroutine not yet demoted runs before every demoted one.
 * A goroutine's initial priority is a hash of the seed and its id, not a
 * draw in the order goroutines are seen, so it costs O(1) whenever the
 * runtime asks (the strategy's rank()), and the runtime's run queue finds
 * the highest in O(log n) (weft_choice_highest): a choice among n
 * goroutines costs O(log n).
 */
#include <stdlib.h>

#include "strategies.h"

enum { CHANGE_POINTS_MAX = 8 };

struct pct_strategy {
    struct weft_strategy base;
    uint64_t rng[4];
    uint64_t priority_key; /* from the seed: initial priorities */
    uint64_t change_points[CHANGE_POINTS_MAX]; /* steps; 0 once passed */
    unsigned change_count;
    /* the goroutines demoted at the change points passed, latest last */
    uint64_t demoted_ids[CHANGE_POINTS_MAX];
    uint64_t demoted_priorities[CHANGE_POINTS_MAX];
    unsigned demoted_count;
};

/* splitmix64's finaliser: a goroutine's initial priority, top bit set. */
static uint64_t initial_priority(uint64_t key, uint64_t id)
{
    uint64_t z = key + id * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) | 1ull << 63;
}

static uint64_t pct_rank(struct weft_strategy *self, uint64_t id)
{
    struct pct_strategy *s = (struct pct_strategy *)self;
    for (unsigned i = s->demoted_count; i-- > 0;)
        if (s->demoted_ids[i] == id)
            return s->demoted_priorities[i];
    return initial_priority(s->priority_key, id);
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
            /* the running goroutine: the rule that lets ranks change */
            s->demoted_ids[s->demoted_count] = c->current;
            s->demoted_priorities[s->demoted_count++] = i + 1;
        }
    return weft_choice_highest(c);
}

struct weft_strategy *strategy_pct_create(const struct strategy_args *args)
{
    struct pct_strategy *s = strategy_alloc(sizeof *s, "pct", pct_choose);
    s->base.rank = pct_rank;
    weft_random_seed(s->rng, args->seed);
    const struct strategy_spec *spec = args->spec;
    s->change_count = spec->depth > 1 ? spec->depth - 1 : 0;
    for (unsigned i = 0; i < s->change_count; i++)
        s->change_points[i] = 1 + weft_random_below(s->rng, spec->steps);
    s->priority_key = weft_random_next(s->rng);
    return &s->base;
}
