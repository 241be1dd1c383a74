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
 * A timed Wait (cond_wait_until, for the posix layer's timedwait) is also
 * taken off the queue by a timer at its deadline, on the clock of
 * weft_now (virtual under the harness); whichever of the Signal and the
 * timer comes first wins.
 * Detector: Signal/Broadcast HB the return of the Wait it wakes; the lock
 * and unlock are the mutex's or the locker's, with their own edges.
 */
#include "parallel.h"
#include "posix_hooks.h"

struct cond_waiter {
    struct waiter waiter; /* first: what the queue holds */
    bool parked;
    bool timed_out; /* cond_wait_until's deadline took it off the queue */
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

/* A timed Wait's deadline passed while it was still queued: it leaves the
 * queue, and wakes if it had parked. */
static void cond_wait_timed_out(void *arg)
{
    struct cond_waiter *w = arg;
    if (!w->waiter.queue) /* a Signal came first */
        return;
    waitq_remove(&w->waiter);
    w->timed_out = true;
    if (w->parked)
        ready(w->waiter.g);
}

bool cond_wait_until(weft_cond *c, int64_t deadline_ns)
{
    PANIC_IF_NIL(c, "cond");
    sched_point_rt(WEFT_OP_COND_WAIT, &c->id);
    if (!c->mutex && !c->locker.unlock)
        runtime_panic("sync: Cond.Wait on a cond with no mutex or locker");
    struct cond_waiter w = {.waiter = {.g = ws.current}};
    struct timer timeout = {.fn = cond_wait_timed_out, .arg = &w};
    waitq_push(&c->waiters, &w.waiter);
    if (deadline_ns >= 0) {
        timeout.when = deadline_ns;
        timer_start(&timeout);
    }
    cond_unlock(c);
    if (w.waiter.queue) { /* neither signalled nor timed out yet */
        w.parked = true;
        park(WAIT_COND);
    }
    if (deadline_ns >= 0)
        timer_cancel(&timeout);
    if (!w.timed_out) /* a timeout orders nothing */
        DETECT(acquire, c);
    RT_UNLOCK(); /* the lock below is an operation of its own */
    if (c->mutex)
        weft_mutex_lock(c->mutex);
    else
        c->locker.lock(c->locker.object);
    return !w.timed_out;
}

void weft_cond_wait(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond"); /* the panic names the call */
    cond_wait_until(c, -1);
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
    sched_point_rt(WEFT_OP_COND_SIGNAL, &c->id);
    DETECT(release, c);
    cond_wake_one(c);
    RT_UNLOCK();
}

void weft_cond_broadcast(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point_rt(WEFT_OP_COND_BROADCAST, &c->id);
    DETECT(release, c);
    while (cond_wake_one(c))
        ;
    RT_UNLOCK();
}
