/*
 * Lockers (Go's sync.Locker): a lock and an unlock function and their
 * object, for a Cond. The ones weft makes for its own mutexes call the
 * public operations, so the lock-order graph and the detector see them as
 * they see any Lock and Unlock.
 */
#include "runtime.h"

static void mutex_lock(void *m)
{
    weft_mutex_lock(m);
}

static void mutex_unlock(void *m)
{
    weft_mutex_unlock(m);
}

static void rwmutex_lock(void *rw)
{
    weft_rwmutex_lock(rw);
}

static void rwmutex_unlock(void *rw)
{
    weft_rwmutex_unlock(rw);
}

static void rwmutex_rlock(void *rw)
{
    weft_rwmutex_rlock(rw);
}

static void rwmutex_runlock(void *rw)
{
    weft_rwmutex_runlock(rw);
}

struct weft_locker weft_mutex_locker(weft_mutex *m)
{
    PANIC_IF_NIL(m, "mutex");
    return (struct weft_locker){mutex_lock, mutex_unlock, m};
}

struct weft_locker weft_rwmutex_locker(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    return (struct weft_locker){rwmutex_lock, rwmutex_unlock, rw};
}

struct weft_locker weft_rwmutex_rlocker(weft_rwmutex *rw)
{
    PANIC_IF_NIL(rw, "rwmutex");
    return (struct weft_locker){rwmutex_rlock, rwmutex_runlock, rw};
}

weft_mutex *locker_mutex(const struct weft_locker *locker)
{
    bool is_mutex =
        locker->lock == mutex_lock && locker->unlock == mutex_unlock;
    return is_mutex ? locker->object : NULL;
}
