/*
 * Choices as a strategy sees them (weft/strategy.h): what may happen, in a
 * deterministic order, and the strategy's pick among it.
 *
 * A case or timer choice lists its few options. A goroutine choice lists
 * none: its options are the current goroutine (when it can continue) and
 * the indexed run queue, read one at a time by position, so neither making
 * a choice among n goroutines nor the strategy's pick costs O(n). Only a
 * trace names every option.
 */
#include <stdlib.h>

#include "runtime.h"
#include "trace.h"

struct weft_option *options_buffer(size_t count)
{
    if (count > ws.options_capacity) {
        size_t capacity = count < 64 ? 64 : count * 2;
        struct weft_option *options =
            realloc(ws.options, capacity * sizeof *options);
        if (!options)
            runtime_panic("out of memory");
        ws.options = options;
        ws.options_capacity = capacity;
    }
    return ws.options;
}

/* The strategy's work is not the goroutine's (and one the program wrote
 * may be instrumented). */
uint64_t strategy_rank(struct goroutine *g)
{
    if (!rt.strategy->rank)
        return 0;
    DETECT(ignore_begin);
    uint64_t rank = rt.strategy->rank(rt.strategy, g->id);
    DETECT(ignore_end);
    return rank;
}

static size_t choose_with(struct weft_choice *choice)
{
    choice->current = ws.current ? ws.current->id : 0;
    choice->step = rt.step;
    choice->current_points = ws.current ? ws.current->points : 0;
    DETECT(ignore_begin);
    size_t index = rt.strategy->choose(rt.strategy, choice);
    DETECT(ignore_end);
    if (index >= choice->count)
        runtime_panic("strategy %s chose option %zu of %zu", rt.strategy->name,
                      index, choice->count);
    /* the leak check's choices are not the program's (leak.c) */
    if (rt.trace && !rt.trace_locations &&
        (!rt.untraced || ws.current != rt.untraced))
        trace_choice(choice, index);
    return index;
}

size_t choose(enum weft_choice_kind kind, const struct weft_option *options,
              size_t count)
{
    struct weft_choice choice = {
        .kind = kind, .count = count, .listed = options};
    return choose_with(&choice);
}

size_t choose_goroutine(bool current_can_continue)
{
    struct weft_choice choice = {
        .kind = WEFT_CHOOSE_GOROUTINE,
        .count = ws.runnable.length + current_can_continue,
        .current_can_continue = current_can_continue,
    };
    return choose_with(&choice);
}

static struct weft_option option_of(const struct goroutine *g)
{
    return (struct weft_option){g->id, g->pending_op, g->pending_object,
                                g->pending_inverted};
}

struct weft_option weft_choice_option(const struct weft_choice *choice,
                                      size_t index)
{
    if (index >= choice->count)
        runtime_panic("weft_choice_option: option %zu of %zu", index,
                      choice->count);
    if (choice->listed)
        return choice->listed[index];
    if (choice->current_can_continue && index-- == 0)
        return option_of(ws.current);
    return option_of(indexed_queue_at(&rt_process.run_index, index));
}

size_t weft_choice_highest(const struct weft_choice *choice)
{
    if (choice->kind != WEFT_CHOOSE_GOROUTINE)
        return 0;
    struct goroutine *current = ws.current;
    /* queued by its own yield: its rank may have changed since */
    if (current->status == G_RUNNABLE)
        indexed_queue_rerank(&rt_process.run_index, current,
                             strategy_rank(current));
    bool first_is_current = choice->current_can_continue;
    if (ws.runnable.length == 0)
        return 0;
    uint64_t queued_rank;
    size_t queued = indexed_queue_highest(&rt_process.run_index, &queued_rank);
    if (first_is_current && strategy_rank(current) >= queued_rank)
        return 0;
    return queued + first_is_current;
}
