/*
 * Mutex. Unlock hands the lock straight to the first waiter (FIFO), so a
 * woken Lock never has to retry and waiters cannot starve. A mutex belongs
 * to no goroutine: any goroutine may unlock it. Parallel mode has its own
 * (mutex_parallel.c: as Go's, a woken waiter competes with newcomers).
 * Detector: the n-th Unlock HB the return of the (n+1)-th Lock.
 */
#include "lockorder.h"
#include "mutex.h"
#include "parallel.h"

void weft_mutex_lock(weft_mutex *m)
{
    PANIC_IF_NIL(m, "mutex");
    LOCK_ORDER(before, m);
    sched_point(WEFT_OP_MUTEX_LOCK, &m->id);
    if (unlikely(rt.parallel)) {
        mutex_lock_parallel(m);
        return;
    }
    if (likely(!m->locked))
        m->locked = 1;
    else
        waitq_park(&m->waiters, WAIT_MUTEX, NULL); /* woken as the owner */
    DETECT(acquire, m);
    LOCK_ORDER(acquired, m, LOCK_MUTEX, &m->id, LOCK_WRITE, true);
}

bool weft_mutex_trylock(weft_mutex *m)
{
    PANIC_IF_NIL(m, "mutex");
    sched_point(WEFT_OP_MUTEX_LOCK, &m->id);
    if (unlikely(rt.parallel))
        return mutex_trylock_parallel(m);
    if (m->locked)
        return false;
    m->locked = 1;
    DETECT(acquire, m);
    LOCK_ORDER(acquired, m, LOCK_MUTEX, &m->id, LOCK_WRITE, false);
    return true;
}

void weft_mutex_unlock(weft_mutex *m)
{
    PANIC_IF_NIL(m, "mutex");
    sched_point(WEFT_OP_MUTEX_UNLOCK, &m->id);
    mutex_release(m);
}

void mutex_release(weft_mutex *m)
{
    if (unlikely(rt.parallel)) {
        mutex_unlock_parallel(m);
        return;
    }
    if (!m->locked)
        runtime_panic("sync: unlock of unlocked mutex");
    DETECT(release_store, m);
    LOCK_ORDER(released, m);
    if (likely(waitq_empty(&m->waiters)))
        m->locked = 0;
    else
        wake_one(&m->waiters); /* hand-off: stays locked for the waiter */
}
