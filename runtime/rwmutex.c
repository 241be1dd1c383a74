/*
 * RWMutex with Go's writer preference: while a writer holds the lock or
 * waits for it, new readers wait. Unlock admits every waiting reader, then
 * the last of them to leave admits the next writer, so neither side starves.
 * Waiters are woken already granted.
 * Detector: Unlock HB later RLock and Lock; RUnlock HB a later Lock; readers
 * are not ordered with each other (their releases go to a second object).
 */
#include "lockorder.h"
#include "parallel.h"

static const void *readers_sync(weft_rwmutex *rw)
{
    return (const char *)rw + 1;
}

static void admit_writer(weft_rwmutex *rw)
{
    if (waitq_empty(&rw->writer_waiters))
        return;
    rw->writer = 1;
    rw->writers_waiting--;
    wake_one(&rw->writer_waiters);
}

void weft_rwmutex_rlock(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    LOCK_ORDER(before, rw);
    sched_point(WEFT_OP_RWMUTEX_RLOCK, &rw->id);
    OBJECT_LOCK(&rw->guard);
    if (rw->writer || rw->writers_waiting) {
        waitq_park(&rw->reader_waiters, WAIT_RWMUTEX_RLOCK, &rw->guard);
    } else {
        rw->readers++;
        OBJECT_UNLOCK(&rw->guard);
    }
    DETECT(acquire, rw);
    LOCK_ORDER(acquired, rw, LOCK_RWMUTEX, &rw->id, LOCK_READ, true);
}

bool weft_rwmutex_tryrlock(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    sched_point(WEFT_OP_RWMUTEX_RLOCK, &rw->id);
    OBJECT_LOCK(&rw->guard);
    bool free = !rw->writer && !rw->writers_waiting;
    rw->readers += free;
    OBJECT_UNLOCK(&rw->guard);
    if (!free)
        return false;
    DETECT(acquire, rw);
    LOCK_ORDER(acquired, rw, LOCK_RWMUTEX, &rw->id, LOCK_READ, false);
    return true;
}

void weft_rwmutex_runlock(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    sched_point(WEFT_OP_RWMUTEX_RUNLOCK, &rw->id);
    OBJECT_LOCK(&rw->guard);
    if (rw->readers == 0)
        runtime_panic("sync: RUnlock of unlocked RWMutex");
    DETECT(release, readers_sync(rw));
    LOCK_ORDER(released, rw);
    if (--rw->readers == 0)
        admit_writer(rw);
    OBJECT_UNLOCK(&rw->guard);
}

void weft_rwmutex_lock(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    LOCK_ORDER(before, rw);
    sched_point(WEFT_OP_RWMUTEX_LOCK, &rw->id);
    OBJECT_LOCK(&rw->guard);
    if (!rw->writer && rw->readers == 0) {
        rw->writer = 1;
        OBJECT_UNLOCK(&rw->guard);
    } else {
        rw->writers_waiting++;
        waitq_park(&rw->writer_waiters, WAIT_RWMUTEX_LOCK, &rw->guard);
    }
    DETECT(acquire, rw);
    DETECT(acquire, readers_sync(rw));
    LOCK_ORDER(acquired, rw, LOCK_RWMUTEX, &rw->id, LOCK_WRITE, true);
}

bool weft_rwmutex_trylock(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    sched_point(WEFT_OP_RWMUTEX_LOCK, &rw->id);
    OBJECT_LOCK(&rw->guard);
    bool free = !rw->writer && !rw->readers;
    rw->writer |= free;
    OBJECT_UNLOCK(&rw->guard);
    if (!free)
        return false;
    DETECT(acquire, rw);
    DETECT(acquire, readers_sync(rw));
    LOCK_ORDER(acquired, rw, LOCK_RWMUTEX, &rw->id, LOCK_WRITE, false);
    return true;
}

void weft_rwmutex_unlock(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    sched_point(WEFT_OP_RWMUTEX_UNLOCK, &rw->id);
    OBJECT_LOCK(&rw->guard);
    if (!rw->writer)
        runtime_panic("sync: Unlock of unlocked RWMutex");
    DETECT(release_store, rw);
    LOCK_ORDER(released, rw);
    rw->writer = 0;
    while (!waitq_empty(&rw->reader_waiters)) {
        rw->readers++;
        wake_one(&rw->reader_waiters);
    }
    if (rw->readers == 0)
        admit_writer(rw);
    OBJECT_UNLOCK(&rw->guard);
}
