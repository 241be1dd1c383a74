/*
 * Cond, on a mutex or on any locker (Go's sync.Locker). Wait enqueues
 * before it unlocks, so a Signal sent after the unlock always finds it; a
 * Signal with no waiter is lost; there are no spurious wake-ups.
 *
 * On a mutex, Wait enqueues, unlocks and parks with no scheduling point
 * between them. A locker's unlock is an operation of its own (it may let
 * others run), so a Signal may take the waiter off the queue before it
 * parks, as Go's notifyList ticket allows: the waiter parks only if it is
 * still queued, and a Signal readies only a waiter that parked.
 * Detector: Signal/Broadcast HB the return of the Wait it wakes; the lock
 * and unlock are the mutex's or the locker's, with their own edges.
 */
#include "parallel.h"

struct cond_waiter {
    struct waiter waiter; /* first: what the queue holds */
    bool parked;
};

void weft_cond_init(weft_cond *c, weft_mutex *m)
{
    PANIC_IF_NIL(c, "cond");
    PANIC_IF_NIL(m, "mutex");
    *c = (weft_cond)WEFT_COND_INIT(m);
}

void weft_cond_init_locker(weft_cond *c, struct weft_locker locker)
{
    PANIC_IF_NIL(c, "cond");
    PANIC_IF_NIL(locker.lock, "locker lock");
    PANIC_IF_NIL(locker.unlock, "locker unlock");
    *c = (weft_cond){.mutex = locker_mutex(&locker), .locker = locker};
}

/* Gives the lock back; the runtime's lock is held before and after. */
static void cond_unlock(weft_cond *c)
{
    if (c->mutex) {
        mutex_release(c->mutex);
        return;
    }
    RT_UNLOCK();
    c->locker.unlock(c->locker.object);
    RT_LOCK();
}

void weft_cond_wait(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_WAIT, &c->id);
    if (!c->mutex && !c->locker.unlock)
        runtime_panic("sync: Cond.Wait on a cond with no mutex or locker");
    struct cond_waiter w = {.waiter = {.g = ws.current}};
    waitq_push(&c->waiters, &w.waiter);
    cond_unlock(c);
    if (w.waiter.queue) { /* not signalled yet */
        w.parked = true;
        park(WAIT_COND);
    }
    DETECT(acquire, c);
    RT_UNLOCK(); /* the lock below is an operation of its own */
    if (c->mutex)
        weft_mutex_lock(c->mutex);
    else
        c->locker.lock(c->locker.object);
}

static bool cond_wake_one(weft_cond *c)
{
    struct cond_waiter *w = (struct cond_waiter *)waitq_pop(&c->waiters);
    if (!w)
        return false;
    if (w->parked) /* else it sees itself dequeued and does not park */
        waiter_wake(&w->waiter);
    return true;
}

void weft_cond_signal(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_SIGNAL, &c->id);
    DETECT(release, c);
    cond_wake_one(c);
    RT_UNLOCK();
}

void weft_cond_broadcast(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_BROADCAST, &c->id);
    DETECT(release, c);
    while (cond_wake_one(c))
        ;
    RT_UNLOCK();
}
