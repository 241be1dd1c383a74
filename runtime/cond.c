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
 *
 * Parallel mode: the cond's own lock (guard) covers its queue and its
 * waiters' flags; a Wait parks holding it, so no Signal readies it before
 * it is switched out. A timed Wait's timer waits in a worker's heap and
 * its function runs outside the heap's lock and takes the cond's; a Wait
 * whose timer fired waits for that function to be done with its stack.
 * Lock order: the cond's, a timer heap's; the cond's, the mutex's.
 */
#include "parallel.h"
#include "posix_hooks.h"

struct cond_waiter {
    struct waiter waiter; /* first: what the queue holds */
    weft_cond *cond;
    bool parked;
    bool timed_out;    /* cond_wait_until's deadline took it off the queue */
    bool timeout_done; /* that deadline's function has let go of it */
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

/* Gives the mutex or the locker back; the cond's lock is held before and
 * after. */
static void release_locker(weft_cond *c)
{
    if (c->mutex) {
        mutex_release(c->mutex);
        return;
    }
    OBJECT_UNLOCK(&c->guard);
    c->locker.unlock(c->locker.object);
    OBJECT_LOCK(&c->guard);
}

/* A timed Wait's deadline passed: if it is still queued, it leaves the
 * queue, and wakes if it had parked. Outside the timer heap's lock. */
static void cond_wait_timed_out(void *arg)
{
    struct cond_waiter *w = arg;
    weft_cond *c = w->cond;
    OBJECT_LOCK(&c->guard);
    if (w->waiter.queue) { /* else a Signal came first */
        waitq_remove(&w->waiter);
        w->timed_out = true;
        if (w->parked)
            ready(w->waiter.g);
    }
    /* the last touch of w, which lives on the waiter's stack */
    __atomic_store_n(&w->timeout_done, true, __ATOMIC_RELEASE);
    OBJECT_UNLOCK(&c->guard);
}

bool cond_wait_until(weft_cond *c, int64_t deadline_ns)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_WAIT, &c->id);
    if (!c->mutex && !c->locker.unlock)
        runtime_panic("sync: Cond.Wait on a cond with no mutex or locker");
    bool timed = deadline_ns >= 0;
    struct cond_waiter w = {.waiter = {.g = ws.current}, .cond = c};
    struct timer timeout = {.fn = cond_wait_timed_out, .arg = &w};
    OBJECT_LOCK(&c->guard);
    waitq_push(&c->waiters, &w.waiter);
    if (timed) {
        timeout.when = deadline_ns;
        timer_start(&timeout);
    }
    release_locker(c);
    if (w.waiter.queue) { /* neither signalled nor timed out yet */
        w.parked = true;
        park_releasing(WAIT_COND, &c->guard);
    } else {
        OBJECT_UNLOCK(&c->guard);
    }
    /* fired: its function may still be running on another worker */
    if (timed && !timer_cancel(&timeout))
        while (!__atomic_load_n(&w.timeout_done, __ATOMIC_ACQUIRE))
            cpu_relax();
    if (!w.timed_out) /* a timeout orders nothing */
        DETECT(acquire, c);
    if (c->mutex) /* an operation of its own */
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
    sched_point(WEFT_OP_COND_SIGNAL, &c->id);
    OBJECT_LOCK(&c->guard);
    DETECT(release, c);
    cond_wake_one(c);
    OBJECT_UNLOCK(&c->guard);
}

void weft_cond_broadcast(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_BROADCAST, &c->id);
    OBJECT_LOCK(&c->guard);
    DETECT(release, c);
    while (cond_wake_one(c))
        ;
    OBJECT_UNLOCK(&c->guard);
}
