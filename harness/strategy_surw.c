/*
 * surw (selectively uniform random walk, Zhao, Wolff, Mathur and
 * Roychoudhury, ASPLOS 2025): a random walk that picks a goroutine with
 * probability proportional to the scheduling points it has left, which
 * samples the interleavings of the program uniformly where choosing a
 * goroutine uniformly at each step does not (that favours whoever has
 * little left: a goroutine spawning many others falls behind them all).
 * Selectively: only the interleaving of the interesting events is
 * sampled so, the operations on a random half of the objects (drawn from
 * the seed, each object by a hash); a goroutine about to do anything else
 * is never preempted there.
 *
 * surw:abreast changes two things (docs/search.md measures each).
 * Three quarters of the objects are interesting, not half: a window
 * between one goroutine's accesses of two objects opens only where the
 * second object is interesting, and the quarter left out still lets the
 * other side run its accesses without a break. And half its schedules (a
 * draw from the seed) walk abreast: the goroutine chosen is one of those
 * that have passed the fewest points, uniformly. Goroutines alike then
 * move together, each stopped at its next interesting operation until
 * the others have caught up, so every one of them is inside its window
 * at once and which one leaves it first is a uniform draw; a weighted
 * walk lets the first few run ahead and close the window before the last
 * one starts (reorder_N, twostage_N, philosophers). It is blind to bugs
 * that need one goroutine far behind the rest, which the weighted half
 * keeps.
 *
 * What a goroutine has left is estimated from the profile run
 * (profile.c): its points there, less those it has passed in this run.
 * Invariant: points[id] is goroutine id's points when it last stopped
 * running, which stays true while it waits: only the running goroutine
 * passes points.
 *
 * Cost: O(n log n) in n options, as it weighs them all; past
 * WEIGHED_MAX options it picks uniformly instead, in O(log n) (a program
 * with thousands of goroutines runnable at once would otherwise pay for
 * each choice what its whole run costs).
 */
#include "strategies.h"

enum { WEIGHED_MAX = 256 };

struct surw_strategy {
    struct weft_strategy base;
    uint64_t rng[4];
    uint64_t interesting_key;  /* from the seed: which objects */
    uint64_t interesting_mask; /* an object is interesting where its hash
                                  has a bit of the mask set */
    bool abreast; /* surw:abreast, from the seed: the fewest points passed */
    struct goroutine_profile profile;
    uint64_t mean_points; /* for ids the profile did not see */
    uint64_t *points;     /* by goroutine id */
    size_t capacity;
    uint64_t *weights; /* scratch, by option */
    size_t weights_capacity;
};

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool interesting(const struct surw_strategy *s,
                        const struct weft_option *o)
{
    if (touches_nothing_shared(o->op))
        return false;
    /* atomics and accesses name no object: always interesting */
    return o->object == 0 ||
           (mix(s->interesting_key ^ o->object) & s->interesting_mask) != 0;
}

static uint64_t passed(struct surw_strategy *s, uint64_t id)
{
    return *goroutine_slot(&s->points, &s->capacity, id);
}

static uint64_t remaining(struct surw_strategy *s, uint64_t id)
{
    uint64_t expected = id < PROFILE_GOROUTINES && s->profile.points[id]
                            ? s->profile.points[id]
                            : s->mean_points;
    uint64_t done = passed(s, id);
    return expected > done ? expected - done : 1;
}

/* Each option's weight: the points it has left; returns their sum. */
static uint64_t weigh_remaining(struct surw_strategy *s,
                                const struct weft_choice *c)
{
    uint64_t total = 0;
    for (size_t i = 0; i < c->count; i++) {
        s->weights[i] = remaining(s, weft_choice_option(c, i).id);
        total += s->weights[i];
    }
    return total;
}

/* 1 for the options that have passed the fewest points, 0 for the rest;
 * returns how many have weight 1. */
static uint64_t weigh_abreast(struct surw_strategy *s,
                              const struct weft_choice *c)
{
    uint64_t fewest = UINT64_MAX;
    for (size_t i = 0; i < c->count; i++) {
        s->weights[i] = passed(s, weft_choice_option(c, i).id);
        if (s->weights[i] < fewest)
            fewest = s->weights[i];
    }
    uint64_t total = 0;
    for (size_t i = 0; i < c->count; i++) {
        s->weights[i] = s->weights[i] == fewest;
        total += s->weights[i];
    }
    return total;
}

static size_t surw_choose(struct weft_strategy *self,
                          const struct weft_choice *c)
{
    struct surw_strategy *s = (struct surw_strategy *)self;
    if (c->kind != WEFT_CHOOSE_GOROUTINE)
        return (size_t)weft_random_below(s->rng, c->count);
    *goroutine_slot(&s->points, &s->capacity, c->current) = c->current_points;
    if (c->current_can_continue) {
        struct weft_option current = weft_choice_option(c, 0);
        if (!interesting(s, &current))
            return 0;
    }
    if (c->count > WEIGHED_MAX)
        return (size_t)weft_random_below(s->rng, c->count);
    if (c->count > s->weights_capacity) {
        s->weights_capacity = c->count * 2;
        s->weights =
            realloc(s->weights, s->weights_capacity * sizeof(uint64_t));
        if (!s->weights)
            abort();
    }
    uint64_t total = s->abreast ? weigh_abreast(s, c) : weigh_remaining(s, c);
    uint64_t pick = weft_random_below(s->rng, total);
    size_t i = 0;
    while (pick >= s->weights[i])
        pick -= s->weights[i++];
    return i;
}

struct weft_strategy *strategy_surw_create(const struct strategy_args *args)
{
    struct surw_strategy *s = strategy_alloc(sizeof *s, "surw", surw_choose);
    weft_random_seed(s->rng, args->seed);
    s->interesting_key = weft_random_next(s->rng);
    s->interesting_mask = 1; /* half */
    if (args->spec->abreast) {
        s->interesting_mask = 3; /* three quarters */
        s->abreast = weft_random_next(s->rng) & 1;
    }
    s->profile = args->spec->profile;
    uint64_t sum = 0, seen = 0;
    for (size_t id = 0; id < PROFILE_GOROUTINES; id++)
        if (s->profile.points[id]) {
            sum += s->profile.points[id];
            seen++;
        }
    s->mean_points = seen ? sum / seen : 1;
    return &s->base;
}
