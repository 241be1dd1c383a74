/*
 * random: a uniform choice at every point, from the seed. It is weft's
 * built-in random strategy (weft_strategy_random_init), so a harness
 * schedule and a WEFT_OPTIONS=seed run of one seed choose alike.
 */
#include <stdlib.h>

#include "strategies.h"

struct weft_strategy *strategy_random_create(const struct strategy_args *args)
{
    struct weft_random_strategy *s = malloc(sizeof *s);
    if (!s)
        abort();
    weft_strategy_random_init(s, args->seed);
    return &s->base;
}
