/*
 * pthread spin locks on their own int (0 free, 1 held): a thread that
 * finds one held yields until it is free, so the holder runs.
 * Happens-before: unlock HB the lock that next takes it.
 */
#include <errno.h>
#include <pthread.h>

#include "posix.h"

int pthread_spin_init(pthread_spinlock_t *lock, int shared)
{
    if (!posix_active())
        return REAL(pthread_spin_init)(lock, shared);
    *lock = 0;
    return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_spin_destroy)(lock);
    return *lock ? EBUSY : 0;
}

int pthread_spin_lock(pthread_spinlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_spin_lock)(lock);
    posix_sync_point(WEFT_OP_MUTEX_LOCK);
    while (*lock)
        weft_yield();
    *lock = 1;
    posix_sync_acquire((const void *)lock);
    return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_spin_trylock)(lock);
    posix_sync_point(WEFT_OP_MUTEX_LOCK);
    if (*lock)
        return EBUSY;
    *lock = 1;
    posix_sync_acquire((const void *)lock);
    return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_spin_unlock)(lock);
    posix_sync_point(WEFT_OP_MUTEX_UNLOCK);
    posix_sync_release((const void *)lock);
    *lock = 0;
    return 0;
}
