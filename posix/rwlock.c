/*
 * pthread read-write locks on weft RWMutexes. As weft's (and Go's), a
 * writer waiting blocks new readers, where glibc's default prefers
 * readers: a thread that read-locks twice may deadlock behind a writer
 * here, and POSIX allows that for this kind. The timed locks retry on
 * weft's clock until the deadline (posix_poll_until).
 * Happens-before: unlock HB later rdlock and wrlock; a read unlock HB a
 * later wrlock; readers are not ordered with each other.
 */
#include <errno.h>
#include <pthread.h>

#include "posix.h"

struct posix_rwlock {
    weft_rwmutex rw;
    uint64_t writer; /* the writer's weft_id, 0 when none holds it */
};

static struct posix_rwlock *posix_rwlock(pthread_rwlock_t *lock,
                                         const char *call)
{
    return posix_state(lock, sizeof(struct posix_rwlock), call);
}

int pthread_rwlock_init(pthread_rwlock_t *lock,
                        const pthread_rwlockattr_t *attr)
{
    if (!posix_active())
        return REAL(pthread_rwlock_init)(lock, attr);
    *lock = (pthread_rwlock_t){0};
    posix_state_new(lock, sizeof(struct posix_rwlock));
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_rwlock_destroy)(lock);
    struct posix_rwlock *l = posix_rwlock(lock, __func__);
    if (l->rw.readers || l->rw.writer)
        return EBUSY;
    posix_state_free(lock);
    return 0;
}

/* Takes l for writing (or reading) if that does not block. */
static bool try_lock(struct posix_rwlock *l, bool write)
{
    if (!write)
        return weft_rwmutex_tryrlock(&l->rw);
    if (!weft_rwmutex_trylock(&l->rw))
        return false;
    l->writer = weft_id();
    return true;
}

static bool try_read(void *l)
{
    return try_lock(l, false);
}

static bool try_write(void *l)
{
    return try_lock(l, true);
}

static int lock_until(pthread_rwlock_t *lock, bool write,
                      const struct timespec *at, const char *call)
{
    struct posix_rwlock *l = posix_rwlock(lock, call);
    if (l->writer == weft_id())
        return EDEADLK;
    int64_t deadline;
    int error = posix_deadline(CLOCK_REALTIME, at, &deadline);
    if (error)
        return error;
    bool locked = posix_poll_until(write ? try_write : try_read, l, deadline);
    return locked ? 0 : ETIMEDOUT;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_rwlock_rdlock)(lock);
    struct posix_rwlock *l = posix_rwlock(lock, __func__);
    if (l->writer == weft_id())
        return EDEADLK;
    weft_rwmutex_rlock(&l->rw);
    return 0;
}

int pthread_rwlock_wrlock(pthread_rwlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_rwlock_wrlock)(lock);
    struct posix_rwlock *l = posix_rwlock(lock, __func__);
    if (l->writer == weft_id())
        return EDEADLK;
    weft_rwmutex_lock(&l->rw);
    l->writer = weft_id();
    return 0;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_rwlock_tryrdlock)(lock);
    return try_lock(posix_rwlock(lock, __func__), false) ? 0 : EBUSY;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_rwlock_trywrlock)(lock);
    return try_lock(posix_rwlock(lock, __func__), true) ? 0 : EBUSY;
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *lock,
                               const struct timespec *at)
{
    if (!posix_active())
        return REAL(pthread_rwlock_timedrdlock)(lock, at);
    return lock_until(lock, false, at, __func__);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *lock,
                               const struct timespec *at)
{
    if (!posix_active())
        return REAL(pthread_rwlock_timedwrlock)(lock, at);
    return lock_until(lock, true, at, __func__);
}

int pthread_rwlock_unlock(pthread_rwlock_t *lock)
{
    if (!posix_active())
        return REAL(pthread_rwlock_unlock)(lock);
    struct posix_rwlock *l = posix_rwlock(lock, __func__);
    if (l->writer) {
        if (l->writer != weft_id())
            return EPERM;
        l->writer = 0;
        weft_rwmutex_unlock(&l->rw);
        return 0;
    }
    weft_rwmutex_runlock(&l->rw);
    return 0;
}
