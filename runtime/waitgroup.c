/*
 * WaitGroup. Waiters park while the counter is positive and are all woken
 * when it returns to zero; an Add before a woken waiter has returned is a
 * reuse, which panics in that waiter, as in Go. Detector: each Add/Done HB
 * the return of the Wait it releases.
 *
 * Parallel mode (as Go's): the counter changes by an atomic add, without
 * the group's lock; only the Add that brings it to zero takes the lock, to
 * wake the waiters, and a Wait checks the counter again under the lock
 * before it parks. So a Wait that parks is seen by that Add (it took the
 * lock after the Wait queued), and a Wait that comes later sees zero.
 */
#include "parallel.h"

static void wake_at_zero(weft_waitgroup *wg)
{
    OBJECT_LOCK(&wg->guard);
    /* an Add since may have reused the group: its own zero wakes them */
    if (__atomic_load_n(&wg->counter, __ATOMIC_ACQUIRE) == 0)
        wake_all(&wg->waiters);
    OBJECT_UNLOCK(&wg->guard);
}

static void waitgroup_add(weft_waitgroup *wg, int64_t delta)
{
    DETECT(release, wg);
    int64_t counter;
    if (unlikely(rt.parallel))
        counter = __atomic_add_fetch(&wg->counter, delta, __ATOMIC_ACQ_REL);
    else
        counter = wg->counter += delta;
    if (counter < 0)
        runtime_panic("sync: negative WaitGroup counter");
    if (counter == 0)
        wake_at_zero(wg);
}

void weft_waitgroup_add(weft_waitgroup *wg, int64_t delta)
{
    PANIC_IF_NIL(wg, "waitgroup");
    sched_point(WEFT_OP_WAITGROUP_ADD, &wg->id);
    waitgroup_add(wg, delta);
}

void weft_waitgroup_done(weft_waitgroup *wg)
{
    PANIC_IF_NIL(wg, "waitgroup");
    sched_point(WEFT_OP_WAITGROUP_DONE, &wg->id);
    waitgroup_add(wg, -1);
}

void weft_waitgroup_wait(weft_waitgroup *wg)
{
    PANIC_IF_NIL(wg, "waitgroup");
    sched_point(WEFT_OP_WAITGROUP_WAIT, &wg->id);
    if (unlikely(rt.parallel) &&
        __atomic_load_n(&wg->counter, __ATOMIC_ACQUIRE) == 0)
        return; /* no lock to take: nothing to wait for */
    OBJECT_LOCK(&wg->guard);
    if (__atomic_load_n(&wg->counter, __ATOMIC_ACQUIRE) > 0) {
        waitq_park(&wg->waiters, WAIT_WAITGROUP, &wg->guard);
        /* woken at zero: an Add since then reused the group before this
         * Wait returned (Go panics the same way) */
        OBJECT_LOCK(&wg->guard);
        if (__atomic_load_n(&wg->counter, __ATOMIC_ACQUIRE) != 0)
            runtime_panic(
                "sync: WaitGroup is reused before previous Wait has returned");
    }
    DETECT(acquire, wg);
    OBJECT_UNLOCK(&wg->guard);
}
