/*
 * Cond. Wait enqueues before it unlocks, so a Signal sent after the unlock
 * always finds it; a Signal with no waiter is lost; there are no spurious
 * wake-ups. Detector: Signal/Broadcast HB the return of the Wait it wakes.
 */
#include "parallel.h"

void weft_cond_init(weft_cond *c, weft_mutex *m)
{
    PANIC_IF_NIL(c, "cond");
    PANIC_IF_NIL(m, "mutex");
    *c = (weft_cond)WEFT_COND_INIT(m);
}

void weft_cond_wait(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_WAIT, &c->id);
    if (!c->mutex)
        runtime_panic("sync: Cond.Wait on a cond with no mutex");
    /* enqueue, unlock and park with no scheduling point between them, so
     * no Signal can slip in unseen */
    struct waiter w = {.g = ws.current};
    waitq_push(&c->waiters, &w);
    mutex_release(c->mutex);
    park(WAIT_COND);
    DETECT(acquire, c);
    RT_UNLOCK(); /* the lock below is an operation of its own */
    weft_mutex_lock(c->mutex);
}

void weft_cond_signal(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_SIGNAL, &c->id);
    DETECT(release, c);
    wake_one(&c->waiters);
    RT_UNLOCK();
}

void weft_cond_broadcast(weft_cond *c)
{
    PANIC_IF_NIL(c, "cond");
    sched_point(WEFT_OP_COND_BROADCAST, &c->id);
    DETECT(release, c);
    wake_all(&c->waiters);
    RT_UNLOCK();
}
