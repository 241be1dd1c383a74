/*
 * select.
 *
 * A select first looks for ready cases; among several, the strategy picks
 * (uniform under FIFO and under a seed). Cases on nil channels are never
 * ready. If none is ready and there is no default, it enqueues one waiter
 * per case, all on its own stack, and parks; of several cases on one
 * channel and direction, the strategy picks which queues first (Go's
 * random poll order lets a peer complete any of them). The first peer to
 * pop any of them fires the select (select_claim), so it is woken exactly
 * once. In one thread select_withdraw then removes every other waiter at
 * once, so no peer ever sees a stale case.
 *
 * Parallel mode: a select locks the channels of its cases in address order,
 * each once (Go's sellock), for its look and its enqueueing, and parks
 * releasing them all. A peer holds only its own channel's lock: it claims
 * the select with a compare-and-swap on the select's done flag, and a case
 * whose select was claimed elsewhere is dropped by whoever finds it
 * (waitq_pop, waitq_has_live). So a case that looked ready may find its
 * peer gone when it is performed (a select claimed meanwhile): the select
 * then looks again (perform). The woken goroutine locks its channels again
 * and takes its remaining cases off their queues before it returns, so its
 * waiters leave no queue while they are on its stack; that also keeps the
 * lock list, on its stack, in place until the worker it parked on has
 * released every lock.
 */
#include <stdint.h>
#include <stdlib.h>

#include "chan.h"
#include "parallel.h"

struct select_wait {
    struct waiter *waiters;
    size_t count;
    uint32_t done; /* claimed by the case that fired it (atomic) */
};

enum { STACK_CASES = 8 };

bool select_fired(const struct waiter *w)
{
    return __atomic_load_n(&w->select->done, __ATOMIC_ACQUIRE) != 0;
}

bool select_claim(struct waiter *w)
{
    uint32_t none = 0;
    return __atomic_compare_exchange_n(&w->select->done, &none, 1, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* ---- the channels' locks (parallel mode) ---- */

struct select_locks {
    uint32_t **words; /* distinct, in address order */
    size_t count;
    uint32_t *on_stack[STACK_CASES];
};

static void locks_collect(struct select_locks *locks,
                          const struct weft_case *cases, size_t count)
{
    locks->words = locks->on_stack;
    if (count > STACK_CASES &&
        !(locks->words = malloc(count * sizeof *locks->words)))
        runtime_panic("select: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!cases[i].chan)
            continue;
        uint32_t *word = &cases[i].chan->lock;
        size_t at = n; /* insertion sort: a select has few cases */
        while (at > 0 && locks->words[at - 1] > word)
            at--;
        if (at > 0 && locks->words[at - 1] == word)
            continue;
        for (size_t j = n; j > at; j--)
            locks->words[j] = locks->words[j - 1];
        locks->words[at] = word;
        n++;
    }
    locks->count = n;
}

static void locks_take(const struct select_locks *locks)
{
    for (size_t i = 0; i < locks->count; i++)
        lock_word_acquire(locks->words[i]);
}

static void locks_release(const struct select_locks *locks)
{
    for (size_t i = locks->count; i-- > 0;)
        lock_word_release(locks->words[i]);
}

static void locks_free(struct select_locks *locks)
{
    if (locks->words != locks->on_stack)
        free(locks->words);
}

static bool case_ready(const struct weft_case *c)
{
    if (!c->chan)
        return false;
    return c->dir == WEFT_SEND ? chan_send_ready(c->chan)
                               : chan_recv_ready(c->chan);
}

/* Completes a ready case; false if its only peer was a case of a select
 * that another channel fired since the look (parallel mode: that claim
 * needs only the other channel's lock); the stale peer leaves its queue. */
static bool perform(struct weft_case *c)
{
    if (c->dir == WEFT_SEND) {
        if (c->chan->closed)
            runtime_panic("send on closed channel");
        return c->ok = chan_try_send(c->chan, c->value);
    }
    enum chan_recv_result result = chan_try_recv(c->chan, c->value);
    c->ok = result == CHAN_GOT;
    return result != CHAN_EMPTY;
}

/* Index of a ready case chosen by the strategy (uniform under FIFO, from
 * the worker's generator, as Go's random poll order), or -1. One look at
 * each case: in parallel mode a case may stop being ready between two
 * (a peer select claimed elsewhere). */
static int pick_ready(struct weft_case *cases, size_t count)
{
    struct weft_option *options = options_buffer(count);
    size_t ready = 0;
    for (size_t i = 0; i < count; i++)
        if (case_ready(&cases[i]))
            options[ready++] = (struct weft_option){
                .id = i,
                .op = cases[i].dir == WEFT_SEND ? WEFT_OP_CHAN_SEND
                                                : WEFT_OP_CHAN_RECV,
                .object = chan_object_id(cases[i].chan)};
    if (ready == 0)
        return -1;
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

/* Parallel mode, once woken: the cases still queued leave, under their
 * channels' locks. */
static void withdraw_woken(struct select_wait *select,
                           const struct select_locks *locks)
{
    locks_take(locks);
    for (size_t i = 0; i < select->count; i++)
        if (select->waiters[i].queue)
            waitq_remove(&select->waiters[i]);
    locks_release(locks);
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

static int select_block(struct weft_case *cases, size_t count,
                        const struct select_locks *locks)
{
    struct waiter on_stack[STACK_CASES];
    struct waiter *waiters = on_stack;
    if (count > STACK_CASES && !(waiters = calloc(count, sizeof *waiters)))
        runtime_panic("select: out of memory");
    struct select_wait select = {.waiters = waiters, .count = count};
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
            park_releasing(WAIT_SELECT_NO_CASES, NULL);
    if (unlikely(rt.parallel)) {
        park_releasing_all(WAIT_SELECT, locks->words, locks->count);
        withdraw_woken(&select, locks);
    } else {
        park_releasing(WAIT_SELECT, NULL);
    }
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
    struct select_locks locks = {.count = 0};
    if (unlikely(rt.parallel)) {
        locks_collect(&locks, cases, count);
        locks_take(&locks);
    }
    int index;
    while ((index = pick_ready(cases, count)) >= 0 && !perform(&cases[index]))
        ; /* each miss drops a fired peer: the next look is truer */
    if (index >= 0) {
        struct weft_case *c = &cases[index];
        chan_lock_order(c->chan, c->dir, c->ok, block);
        locks_release(&locks);
    } else if (!block) {
        locks_release(&locks);
        index = WEFT_DEFAULT;
    } else {
        if (count == 0)
            for (;;)
                park_releasing(WAIT_SELECT_NO_CASES, NULL);
        index = select_block(cases, count, &locks);
    }
    locks_free(&locks);
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
