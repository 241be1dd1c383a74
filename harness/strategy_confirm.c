/*
 * confirm: random, but a goroutine about to close the targeted lock-order
 * cycle (weft_option.inverted_lock, set by the runtime for the cycle the
 * run settings name) runs only when nothing else can. So each goroutine of
 * the cycle is held just before its inverted acquisition until the others
 * reach theirs (confirm.c). Not for users, who replay its schedules by
 * their decisions.
 */

#include "strategies.h"

struct confirm_strategy {
    struct weft_strategy base;
    uint64_t rng[4];
};

/* Uniform among the goroutines not about to close the targeted cycle; one
 * that is runs only when every option is (then each holds its first lock,
 * and running them deadlocks). O(n log n) in n options: it reads them all,
 * but only confirmation runs it. */
static size_t confirm_choose(struct weft_strategy *self,
                             const struct weft_choice *c)
{
    struct confirm_strategy *s = (struct confirm_strategy *)self;
    size_t free_count = 0;
    if (c->kind == WEFT_CHOOSE_GOROUTINE)
        for (size_t i = 0; i < c->count; i++)
            free_count += !weft_choice_option(c, i).inverted_lock;
    if (free_count == 0 || free_count == c->count)
        return (size_t)weft_random_below(s->rng, c->count);
    uint64_t pick = weft_random_below(s->rng, free_count);
    for (size_t i = 0;; i++)
        if (!weft_choice_option(c, i).inverted_lock && pick-- == 0)
            return i;
}

struct weft_strategy *strategy_confirm_create(const struct strategy_args *args)
{
    struct confirm_strategy *s =
        strategy_alloc(sizeof *s, "confirm", confirm_choose);
    weft_random_seed(s->rng, args->seed);
    return &s->base;
}
