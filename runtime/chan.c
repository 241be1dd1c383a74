/*
 * Channels.
 *
 * Invariants (as Go's chan.go):
 *  - At most one of sendq and recvq is non-empty.
 *  - recvq non-empty implies the buffer is empty; sendq non-empty implies
 *    the buffer is full (for an unbuffered channel both hold trivially).
 *  - A closed channel has an empty sendq; its recvq is empty once close()
 *    returns.
 * Values are copied into the buffer or straight into the waiting peer's
 * variable, never aliased. Waiters are served in FIFO order.
 *
 * The lock rule (parallel mode, parallel.h): the weft_chan_* entry points
 * take the channel's own lock after their scheduling point and release it
 * just before returning to the user, or park releasing it (a woken
 * operation holds no lock: its peer did the work); the chan_* functions
 * here run with it held, except chan_close and the timer's send, which
 * take it themselves. weft_chan_free takes the lock of its timer's heap
 * (timer_cancel), and the len/cap/elem_size readers take none (a
 * channel's capacity never changes; len is a snapshot, as in Go).
 *
 * Detector events: a value handed over (buffer slot or direct) carries the
 * sender's clock to the receiver through the slot's sync object; a buffered
 * slot also carries the k-th receiver's clock to the (k+C)-th sender (Go's
 * memory model, rule 4). Unbuffered channels use the channel itself. When
 * one goroutine completes another's parked operation, both sides of the
 * edge are made at that moment, by the waker (parked_slot_sync), as Go's
 * chan.go does: the parked side's clock is the one it parked with, and the
 * value it handed over may be received before it runs again.
 */
#include "chan.h"
#include "lockorder.h"
#include "parallel.h"

#include <stdlib.h>
#include <string.h>

enum { CHAN_ELEM_MAX = 1 << 16 };
#define CHAN_BUFFER_MAX ((size_t)1 << 48) /* Go's maxAlloc on 64-bit Linux */

static void *slot(weft_chan *c, size_t index)
{
    return c->buffer + index * c->elem_size;
}

static void *sync_object(weft_chan *c, size_t index)
{
    return c->capacity ? slot(c, index) : (void *)c;
}

static inline void slot_sync(weft_chan *c, size_t index)
{
    if (likely(rt_process.detector == NULL))
        return;
    rt_process.detector->acquire_release(sync_object(c, index));
}

/* The parked side of a buffered hand-over through slot index, made by the
 * waker: the parked goroutine's clock goes into the slot and the slot's
 * into it (after the waker's own slot_sync), so the send HB its receive
 * and the k-th receive HB the (k+C)-th send hold before it runs again. */
static inline void parked_slot_sync(weft_chan *c, size_t index,
                                    struct waiter *parked)
{
    parked->sync = NULL;
    DETECT(release_acquire_parked, parked->g->id, slot(c, index));
}

/* Copies one element; the common sizes get a fixed-size copy the compiler
 * turns into a move. */
static inline void copy_element(size_t size, void *to, const void *from)
{
    switch (size) {
    case 4:
        memcpy(to, from, 4);
        break;
    case 8:
        memcpy(to, from, 8);
        break;
    case 16:
        memcpy(to, from, 16);
        break;
    default:
        /* weft's own memcpy: unchecked, the hand-over orders it */
        memcpy(to, from, size);
    }
}

static void zero_element(size_t size, void *to)
{
    memset(to, 0, size);
}

static inline void copy_value(weft_chan *c, void *to, const void *from)
{
    if (to)
        copy_element(c->elem_size, to, from);
}

static size_t advance(weft_chan *c, size_t index)
{
    return ++index == c->capacity ? 0 : index;
}

weft_chan *weft_chan_make(size_t elem_size, size_t capacity)
{
    runtime_init_if_needed();
    /* Go's limits: an element under 64 KiB, a buffer within what could be
     * allocated (checked before allocating, so the message says which) */
    if (elem_size >= CHAN_ELEM_MAX)
        runtime_panic("makechan: invalid channel element type (%zu bytes, "
                      "at most %d)",
                      elem_size, CHAN_ELEM_MAX - 1);
    if (capacity && elem_size > CHAN_BUFFER_MAX / capacity)
        runtime_panic("makechan: size out of range");
    /* a cache line of its own: in parallel mode its lock and queues are
     * written by the goroutines that use it, and by no one else */
    size_t bytes =
        (sizeof(weft_chan) + elem_size * capacity + 63) & ~(size_t)63;
    weft_chan *c = aligned_alloc(64, bytes);
    if (!c)
        runtime_panic("makechan: out of memory");
    memset(c, 0, bytes);
    c->elem_size = elem_size;
    c->capacity = capacity;
    return c;
}

void chan_destroy(weft_chan *c)
{
    if (!c)
        return;
    if (!waitq_empty(&c->recvq) || !waitq_empty(&c->sendq))
        runtime_panic("free of channel ch#%u with blocked goroutines",
                      chan_object_id(c));
    chan_detach_timer(c);
    DETECT(sync_free, c);
    free(c);
}

void weft_chan_free(weft_chan *c)
{
    chan_destroy(c); /* no one else uses c; its timer's heap has a lock */
}

uint32_t chan_object_id(weft_chan *c)
{
    return c ? object_id(&c->id) : 0;
}

bool chan_send_ready(weft_chan *c)
{
    return c->closed || c->count < c->capacity || waitq_has_live(&c->recvq);
}

bool chan_recv_ready(weft_chan *c)
{
    return c->closed || c->count > 0 || waitq_has_live(&c->sendq);
}

/* Sends without blocking if a receiver waits or the buffer has room. */
bool chan_try_send(weft_chan *c, const void *value)
{
    struct waiter *receiver =
        waitq_empty(&c->recvq) ? NULL : waitq_pop(&c->recvq);
    if (likely(!receiver)) {
        if (c->count == c->capacity)
            return false;
        slot_sync(c, c->send_index);
        copy_element(c->elem_size, slot(c, c->send_index), value);
        c->send_index = advance(c, c->send_index);
        c->count++;
        return true;
    }
    /* a receiver waits, so the buffer is empty: hand the value over */
    copy_value(c, receiver->elem, value);
    receiver->ok = true;
    if (c->capacity == 0) {
        slot_sync(c, 0);
        receiver->sync = c;
    } else {
        /* the value passes through the slot it would have used, and both
         * indices move on, so the k-th receive still meets the (k+C)-th
         * send in one slot (rule 4); the receiver's side of the edge is
         * made now, not when it runs (as Go's send does) */
        slot_sync(c, c->recv_index);
        parked_slot_sync(c, c->recv_index, receiver);
        c->recv_index = advance(c, c->recv_index);
        c->send_index = c->recv_index;
    }
    waiter_wake(receiver);
    return true;
}

/* Receives without blocking: CHAN_GOT a value, CHAN_CLOSED (zeroed), or
 * CHAN_EMPTY when it would block. */
enum chan_recv_result chan_try_recv(weft_chan *c, void *out)
{
    struct waiter *sender =
        waitq_empty(&c->sendq) ? NULL : waitq_pop(&c->sendq);
    if (sender) {
        size_t index = c->capacity ? c->recv_index : 0;
        slot_sync(c, index);
        if (c->capacity == 0) {
            copy_value(c, out, sender->elem);
        } else {
            /* full buffer: take the head; the sender's value becomes the
             * tail, which is the same slot as the ring turns */
            copy_value(c, out, slot(c, index));
            copy_element(c->elem_size, slot(c, index), sender->elem);
            c->recv_index = advance(c, index);
            c->send_index = c->recv_index;
        }
        sender->ok = true;
        if (c->capacity == 0)
            sender->sync = c;
        else /* its value is in the slot now: so must its clock be */
            parked_slot_sync(c, index, sender);
        waiter_wake(sender);
        return CHAN_GOT;
    }
    if (c->count > 0) {
        slot_sync(c, c->recv_index);
        copy_value(c, out, slot(c, c->recv_index));
        c->recv_index = advance(c, c->recv_index);
        c->count--;
        return CHAN_GOT;
    }
    if (c->closed) {
        DETECT(acquire, c);
        if (out)
            zero_element(c->elem_size, out);
        return CHAN_CLOSED;
    }
    return CHAN_EMPTY;
}

/* After a parked operation completes on an unbuffered or closed channel:
 * take the clock the waker left (a buffered hand-over was done in full by
 * the waker, parked_slot_sync, and leaves no sync). Reads only the waiter:
 * the channel may be gone by now (weft_context_free frees a done channel
 * whose woken receivers have not run yet). */
void chan_after_wake(const struct waiter *w)
{
    if (w->sync)
        DETECT(acquire, w->sync);
}

/* Before parking: on an unbuffered channel the peer that completes the
 * operation acquires the channel's clock (a receive HB the completion of
 * its send, and vice versa). */
void chan_before_park(weft_chan *c)
{
    if (c->capacity == 0)
        DETECT(release, c);
}

/* A 1-slot channel may be a lock: a send that leaves its value in the
 * buffer takes it, the receive of that value gives it back (lockorder.h). */
void chan_lock_order(weft_chan *c, enum weft_case_dir dir, bool got,
                     bool blocking)
{
    if (likely(!rt.lock_order) || !c || c->capacity != 1)
        return;
    if (dir == WEFT_RECV) {
        if (got)
            lockorder_chan_received(c);
    } else if (c->count == 1) {
        lockorder_acquired(c, LOCK_CHAN, &c->id, LOCK_WRITE, blocking);
    } else {
        ws.current->pending_inverted = false;
    }
}

/* The same after a parked operation, from the waiter alone (see
 * chan_after_wake): a parked send completes with its value in the buffer. */
void chan_lock_order_woken(weft_chan *c, const struct waiter *w,
                           enum weft_case_dir dir)
{
    if (likely(!rt.lock_order) || !w->one_slot)
        return;
    if (dir == WEFT_RECV) {
        if (w->ok)
            lockorder_chan_received(c);
    } else {
        lockorder_acquired(c, LOCK_CHAN, &c->id, LOCK_WRITE, true);
    }
}

_Noreturn static void block_forever(enum wait_reason reason)
{
    for (;;)
        park_releasing(reason, NULL);
}

void weft_chan_send(weft_chan *c, const void *value)
{
    if (c && c->capacity == 1)
        LOCK_ORDER(before, c);
    sched_point(WEFT_OP_CHAN_SEND, c ? &c->id : NULL);
    if (!c)
        block_forever(WAIT_CHAN_SEND_NIL);
    OBJECT_LOCK(&c->lock);
    if (c->closed)
        runtime_panic("send on closed channel");
    if (likely(chan_try_send(c, value))) {
        chan_lock_order(c, WEFT_SEND, true, true);
        OBJECT_UNLOCK(&c->lock);
        return;
    }
    struct waiter w = {
        .g = ws.current, .elem = (void *)value, .one_slot = c->capacity == 1};
    chan_before_park(c);
    waitq_push(&c->sendq, &w);
    park_releasing(WAIT_CHAN_SEND, &c->lock);
    if (!w.ok)
        runtime_panic("send on closed channel");
    chan_after_wake(&w);
    chan_lock_order_woken(c, &w, WEFT_SEND);
}

bool weft_chan_recv_ok(weft_chan *c, void *out)
{
    sched_point(WEFT_OP_CHAN_RECV, c ? &c->id : NULL);
    if (!c)
        block_forever(WAIT_CHAN_RECV_NIL);
    OBJECT_LOCK(&c->lock);
    enum chan_recv_result result = chan_try_recv(c, out);
    if (likely(result != CHAN_EMPTY)) {
        chan_lock_order(c, WEFT_RECV, result == CHAN_GOT, true);
        OBJECT_UNLOCK(&c->lock);
        return result == CHAN_GOT;
    }
    struct waiter w = {
        .g = ws.current, .elem = out, .one_slot = c->capacity == 1};
    chan_before_park(c);
    waitq_push(&c->recvq, &w);
    park_releasing(WAIT_CHAN_RECV, &c->lock);
    chan_after_wake(&w);
    chan_lock_order_woken(c, &w, WEFT_RECV);
    return w.ok;
}

void weft_chan_recv(weft_chan *c, void *out)
{
    weft_chan_recv_ok(c, out);
}

bool weft_chan_try_send(weft_chan *c, const void *value)
{
    struct weft_case send = WEFT_SEND_CASE(c, value);
    return weft_select_default(&send, 1) == 0;
}

/* Wakes every waiter after a close: receivers get zero values, senders
 * wake to panic. */
static void wake_on_close(weft_chan *c, struct weft_waitq *q, bool zero)
{
    struct waiter *w;
    while ((w = waitq_pop(q))) {
        if (zero && w->elem)
            zero_element(c->elem_size, w->elem);
        w->ok = false;
        w->sync = c;
        waiter_wake(w);
    }
}

void weft_chan_close(weft_chan *c)
{
    sched_point(WEFT_OP_CHAN_CLOSE, c ? &c->id : NULL);
    chan_close(c);
}

void chan_close(weft_chan *c)
{
    if (!c)
        runtime_panic("close of nil channel");
    OBJECT_LOCK(&c->lock);
    if (c->closed)
        runtime_panic("close of closed channel");
    c->closed = true;
    DETECT(release, c);
    wake_on_close(c, &c->recvq, true);
    wake_on_close(c, &c->sendq, false);
    OBJECT_UNLOCK(&c->lock);
}

size_t weft_chan_len(const weft_chan *c)
{
    return c ? c->count : 0;
}

size_t weft_chan_cap(const weft_chan *c)
{
    return c ? c->capacity : 0;
}

size_t weft_chan_elem_size(const weft_chan *c)
{
    return c ? c->elem_size : 0;
}

/* A timer's send: never blocks, drops the tick if the buffer is full. */
void chan_send_nonblocking_time(weft_chan *c, int64_t now)
{
    OBJECT_LOCK(&c->lock);
    if (!c->closed)
        chan_try_send(c, &now);
    OBJECT_UNLOCK(&c->lock);
}

void chan_set_timer(weft_chan *c, struct timer *t)
{
    c->timer = t;
}

void chan_detach_timer(weft_chan *c)
{
    if (!c->timer)
        return;
    timer_cancel(c->timer);
    if (c->owns_timer)
        free(c->timer);
    c->timer = NULL;
}
