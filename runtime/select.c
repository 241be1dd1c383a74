/*
 * select.
 *
 * A select first looks for ready cases; among several, the strategy picks
 * (uniform under FIFO and under a seed). Cases on nil channels are never
 * ready. If none is ready and there is no default, it enqueues one waiter
 * per case, all on its own stack, and parks; of several cases on one
 * channel and direction, the strategy picks which queues first (Go's
 * random poll order lets a peer complete any of them). The first peer to
 * pop any of them fires the select: select_withdraw removes every other
 * waiter at once, so the select is woken exactly once and no peer ever
 * sees a stale case.
 */
#include <stdlib.h>

#include "chan.h"
#include "parallel.h"

struct select_wait {
    struct waiter *waiters;
    size_t count;
};

enum { STACK_CASES = 8 };

static bool case_ready(const struct weft_case *c)
{
    if (!c->chan)
        return false;
    return c->dir == WEFT_SEND ? chan_send_ready(c->chan)
                               : chan_recv_ready(c->chan);
}

static void perform(struct weft_case *c)
{
    if (c->dir == WEFT_SEND) {
        if (c->chan->closed)
            runtime_panic("send on closed channel");
        chan_try_send(c->chan, c->value);
        c->ok = true;
    } else {
        c->ok = chan_try_recv(c->chan, c->value) == CHAN_GOT;
    }
}

/* Index of a ready case chosen by the strategy (uniform under FIFO, from
 * the worker's generator, as Go's random poll order), or -1. */
static int pick_ready(struct weft_case *cases, size_t count)
{
    size_t ready = 0;
    for (size_t i = 0; i < count; i++)
        ready += case_ready(&cases[i]);
    if (ready == 0)
        return -1;
    struct weft_option *options = options_buffer(ready);
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (case_ready(&cases[i]))
            options[n++] = (struct weft_option){
                .id = i,
                .op = cases[i].dir == WEFT_SEND ? WEFT_OP_CHAN_SEND
                                                : WEFT_OP_CHAN_RECV,
                .object = chan_object_id(cases[i].chan)};
    size_t chosen = ready == 1 ? 0 : choose(WEFT_CHOOSE_CASE, options, ready);
    return (int)options[chosen].id;
}

void select_withdraw(struct waiter *fired)
{
    struct select_wait *select = fired->select;
    for (size_t i = 0; i < select->count; i++) {
        struct waiter *w = &select->waiters[i];
        if (w != fired && w->queue)
            waitq_remove(w);
    }
}

static bool same_queue(const struct weft_case *a, const struct weft_case *b)
{
    return a->chan == b->chan && a->dir == b->dir;
}

static void enqueue_case(struct weft_case *cases, struct waiter *waiters,
                         size_t i)
{
    struct weft_chan *ch = cases[i].chan;
    chan_before_park(ch);
    waitq_push(cases[i].dir == WEFT_SEND ? &ch->sendq : &ch->recvq,
               &waiters[i]);
}

/* Which of the n cases on first's queue (first and later ones) queues
 * first: Go polls a select's cases in a random order, so a peer may
 * complete any of them, and the strategy picks. */
static size_t queue_leader(struct weft_case *cases, size_t count, size_t first,
                           size_t n)
{
    struct weft_option *options = options_buffer(n);
    size_t k = 0;
    for (size_t i = first; i < count; i++)
        if (same_queue(&cases[i], &cases[first]))
            options[k++] = (struct weft_option){
                .id = i,
                .op = cases[i].dir == WEFT_SEND ? WEFT_OP_CHAN_SEND
                                                : WEFT_OP_CHAN_RECV,
                .object = chan_object_id(cases[i].chan)};
    return (size_t)options[choose(WEFT_CHOOSE_CASE, options, n)].id;
}

/* Enqueues case first and every later case on its queue, the strategy's
 * leader ahead (the others wait behind it and leave with it). Returns how
 * many it enqueued. */
static size_t enqueue_queue(struct weft_case *cases, struct waiter *waiters,
                            size_t count, size_t first)
{
    size_t n = 0;
    for (size_t i = first; i < count; i++)
        n += same_queue(&cases[i], &cases[first]);
    size_t leader = n == 1 ? first : queue_leader(cases, count, first, n);
    enqueue_case(cases, waiters, leader);
    for (size_t i = first; n > 1 && i < count; i++)
        if (i != leader && same_queue(&cases[i], &cases[first]))
            enqueue_case(cases, waiters, i);
    return n;
}

static int select_block(struct weft_case *cases, size_t count)
{
    struct waiter on_stack[STACK_CASES];
    struct waiter *waiters = on_stack;
    if (count > STACK_CASES && !(waiters = calloc(count, sizeof *waiters)))
        runtime_panic("select: out of memory");
    struct select_wait select = {waiters, count};
    for (size_t i = 0; i < count; i++)
        waiters[i] = (struct waiter){.g = ws.current,
                                     .elem = cases[i].value,
                                     .select = &select,
                                     .case_index = (uint32_t)i,
                                     .one_slot = cases[i].chan &&
                                                 cases[i].chan->capacity == 1};
    size_t waiting = 0;
    for (size_t i = 0; i < count; i++)
        if (cases[i].chan && !waiters[i].queue)
            waiting += enqueue_queue(cases, waiters, count, i);
    if (waiting == 0) /* only nil channels: blocks forever, like Go */
        for (;;)
            park(WAIT_SELECT_NO_CASES);
    park(WAIT_SELECT);
    struct waiter *fired = ws.current->fired;
    size_t index = fired->case_index;
    bool ok = fired->ok;
    chan_after_wake(fired);
    if (cases[index].dir == WEFT_SEND && !ok)
        runtime_panic("send on closed channel");
    chan_lock_order_woken(cases[index].chan, fired, cases[index].dir);
    if (waiters != on_stack)
        free(waiters);
    cases[index].ok = ok;
    return (int)index;
}

static int select_cases(struct weft_case *cases, size_t count, bool block)
{
    sched_point(WEFT_OP_SELECT,
                count == 1 && cases[0].chan ? &cases[0].chan->id : NULL);
    int index = pick_ready(cases, count);
    if (index >= 0) {
        struct weft_case *c = &cases[index];
        perform(c);
        chan_lock_order(c->chan, c->dir, c->ok, block);
    } else {
        if (!block) {
            RT_UNLOCK();
            return WEFT_DEFAULT;
        }
        if (count == 0)
            for (;;)
                park(WAIT_SELECT_NO_CASES);
        index = select_block(cases, count);
    }
    RT_UNLOCK();
    return index;
}

int weft_select(struct weft_case *cases, size_t count)
{
    return select_cases(cases, count, true);
}

int weft_select_default(struct weft_case *cases, size_t count)
{
    return select_cases(cases, count, false);
}
