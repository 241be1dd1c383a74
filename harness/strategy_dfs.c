/*
 * dfs: no preemption of its own (option 0, the running goroutine going on,
 * wherever it can); the explorer (dfs.c) forces the decisions that
 * enumerate the rest. Past the forced prefix it keeps the sleep set it was
 * given: the first goroutine not asleep runs, and running it wakes every
 * sleeping transition it does not commute with. A run in which every
 * enabled goroutine is asleep repeats one explored from an ancestor: it
 * ends at once with WEFT_EXIT_PRUNED.
 *
 * The strategy is consulted only past the forced prefix, and runs forced
 * by key (minimise.c) carry no sleep set, so the set is only ever updated
 * by choices made here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_status.h"
#include "strategies.h"

struct dfs_strategy {
    struct weft_strategy base;
    struct weft_option *sleep; /* asleep now */
    size_t sleep_count;
};

static bool asleep(const struct dfs_strategy *s, const struct weft_option *t)
{
    for (size_t i = 0; i < s->sleep_count; i++)
        if (s->sleep[i].id == t->id && s->sleep[i].op == t->op &&
            s->sleep[i].object == t->object)
            return true;
    return false;
}

/* Executing t wakes every sleeping transition that does not commute. */
static void sleep_after(struct dfs_strategy *s, const struct weft_option *t)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->sleep_count; i++)
        if (!transitions_dependent(&s->sleep[i], t))
            s->sleep[kept++] = s->sleep[i];
    s->sleep_count = kept;
}

_Noreturn static void pruned(void)
{
    fflush(NULL);
    _exit(WEFT_EXIT_PRUNED);
}

static size_t dfs_choose(struct weft_strategy *self,
                         const struct weft_choice *c)
{
    struct dfs_strategy *s = (struct dfs_strategy *)self;
    if (c->kind != WEFT_CHOOSE_GOROUTINE)
        return 0;
    for (size_t i = 0; i < c->count; i++) {
        struct weft_option option = weft_choice_option(c, i);
        if (!asleep(s, &option)) {
            sleep_after(s, &option);
            return i;
        }
    }
    pruned(); /* every continuation was explored from an ancestor */
}

struct weft_strategy *strategy_dfs_create(const struct strategy_args *args)
{
    struct dfs_strategy *s = strategy_alloc(sizeof *s, "dfs", dfs_choose);
    if (args->sleep_count) {
        s->sleep = malloc(args->sleep_count * sizeof *s->sleep);
        if (!s->sleep)
            abort();
        memcpy(s->sleep, args->sleep, args->sleep_count * sizeof *s->sleep);
        s->sleep_count = args->sleep_count;
    }
    return &s->base;
}
