/*
 * WaitGroup. Waiters park while the counter is positive and are all woken
 * when it returns to zero. Detector: each Add/Done HB the return of the Wait
 * it releases.
 */
#include "parallel.h"

void weft_waitgroup_add(weft_waitgroup *wg, int64_t delta)
{
    sched_point(WEFT_OP_WAITGROUP_ADD, &wg->id);
    DETECT(release, wg);
    wg->counter += delta;
    if (wg->counter < 0)
        runtime_panic("sync: negative WaitGroup counter");
    if (wg->counter == 0)
        wake_all(&wg->waiters);
    RT_UNLOCK();
}

void weft_waitgroup_done(weft_waitgroup *wg)
{
    weft_waitgroup_add(wg, -1);
}

void weft_waitgroup_wait(weft_waitgroup *wg)
{
    sched_point(WEFT_OP_WAITGROUP_WAIT, &wg->id);
    if (wg->counter > 0)
        waitq_park(&wg->waiters, WAIT_WAITGROUP);
    DETECT(acquire, wg);
    RT_UNLOCK();
}
