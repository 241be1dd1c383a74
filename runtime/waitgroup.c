/*
 * WaitGroup. Waiters park while the counter is positive and are all woken
 * when it returns to zero; an Add before a woken waiter has returned is a
 * reuse, which panics in that waiter, as in Go. Detector: each Add/Done HB
 * the return of the Wait it releases.
 */
#include "parallel.h"

static void waitgroup_add(weft_waitgroup *wg, int64_t delta)
{
    OBJECT_LOCK(&wg->guard);
    DETECT(release, wg);
    wg->counter += delta;
    if (wg->counter < 0)
        runtime_panic("sync: negative WaitGroup counter");
    if (wg->counter == 0)
        wake_all(&wg->waiters);
    OBJECT_UNLOCK(&wg->guard);
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
    OBJECT_LOCK(&wg->guard);
    if (wg->counter > 0) {
        waitq_park(&wg->waiters, WAIT_WAITGROUP, &wg->guard);
        /* woken at zero: an Add since then reused the group before this
         * Wait returned (Go panics the same way) */
        OBJECT_LOCK(&wg->guard);
        if (wg->counter != 0)
            runtime_panic(
                "sync: WaitGroup is reused before previous Wait has returned");
    }
    DETECT(acquire, wg);
    OBJECT_UNLOCK(&wg->guard);
}
