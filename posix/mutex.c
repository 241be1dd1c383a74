/*
 * pthread mutexes on weft mutexes: normal, recursive and error-checking
 * (the kind from the attributes, or from the static initialiser's __kind),
 * with trylock and timedlock. The owner is kept for the kinds that check
 * it; a normal mutex relocked by its owner deadlocks, as it does in glibc.
 * Happens-before and the lock-order graph are the weft mutex's: the n-th
 * unlock HB the return of the (n+1)-th lock.
 * timedlock retries on weft's clock until the deadline (posix_poll_until:
 * virtual time under the harness, so a poll costs no real time).
 */
#include <errno.h>

#include "mutex.h"

struct posix_mutex *posix_mutex(pthread_mutex_t *mutex, const char *call)
{
    bool fresh = ((const uint64_t *)mutex)[0] == 0;
    struct posix_mutex *m = posix_state(mutex, sizeof *m, call);
    if (fresh) /* PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP and others */
        m->kind = mutex->__data.__kind & 3;
    if (m->kind == PTHREAD_MUTEX_ADAPTIVE_NP)
        m->kind = PTHREAD_MUTEX_NORMAL;
    return m;
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
    if (!posix_active())
        return REAL(pthread_mutex_init)(mutex, attr);
    int kind = PTHREAD_MUTEX_NORMAL, robust = PTHREAD_MUTEX_STALLED;
    if (attr) {
        pthread_mutexattr_gettype(attr, &kind);
        pthread_mutexattr_getrobust(attr, &robust);
    }
    if (robust == PTHREAD_MUTEX_ROBUST)
        posix_refuse("pthread_mutex_init", "robust mutexes");
    *mutex = (pthread_mutex_t){0};
    struct posix_mutex *m = posix_state_new(mutex, sizeof *m);
    m->kind = kind == PTHREAD_MUTEX_ADAPTIVE_NP ? PTHREAD_MUTEX_NORMAL : kind;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *mutex)
{
    if (!posix_active())
        return REAL(pthread_mutex_destroy)(mutex);
    struct posix_mutex *m = posix_mutex(mutex, __func__);
    if (m->lock.locked)
        return EBUSY;
    posix_state_free(mutex);
    return 0;
}

/* The checks a kind makes before a lock: 0 to go on and lock, or what
 * to return at once (a recursive relock has then been counted). */
static int before_lock(struct posix_mutex *m, uint64_t self)
{
    if (m->owner != self || m->kind == PTHREAD_MUTEX_NORMAL)
        return -1;
    if (m->kind == PTHREAD_MUTEX_ERRORCHECK)
        return EDEADLK;
    m->depth++;
    return 0;
}

static void locked_by(struct posix_mutex *m, uint64_t self)
{
    m->owner = self;
    m->depth = 1;
}

static bool try_lock(void *lock)
{
    return weft_mutex_trylock(lock);
}

enum lock_wait { LOCK_BLOCKS, LOCK_TRIES, LOCK_UNTIL };

/* Takes mutex for the calling thread: blocking, once (EBUSY if held), or
 * until deadline_ns (ETIMEDOUT), after the checks of its kind. */
static int mutex_take(pthread_mutex_t *mutex, enum lock_wait wait,
                      int64_t deadline_ns, const char *call)
{
    struct posix_mutex *m = posix_mutex(mutex, call);
    uint64_t self = weft_id();
    int early = before_lock(m, self);
    if (early >= 0)
        return wait == LOCK_TRIES && early == EDEADLK ? EBUSY : early;
    bool locked = true;
    if (wait == LOCK_BLOCKS)
        weft_mutex_lock(&m->lock);
    else if (wait == LOCK_TRIES)
        locked = weft_mutex_trylock(&m->lock);
    else
        locked = posix_poll_until(try_lock, &m->lock, deadline_ns);
    if (!locked)
        return wait == LOCK_TRIES ? EBUSY : ETIMEDOUT;
    locked_by(m, self);
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *mutex)
{
    if (!posix_active())
        return REAL(pthread_mutex_lock)(mutex);
    return mutex_take(mutex, LOCK_BLOCKS, -1, __func__);
}

int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
    if (!posix_active())
        return REAL(pthread_mutex_trylock)(mutex);
    return mutex_take(mutex, LOCK_TRIES, -1, __func__);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *at)
{
    if (!posix_active())
        return REAL(pthread_mutex_timedlock)(mutex, at);
    int64_t deadline;
    int error = posix_deadline(CLOCK_REALTIME, at, &deadline);
    if (error)
        return error;
    return mutex_take(mutex, LOCK_UNTIL, deadline, __func__);
}

int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    if (!posix_active())
        return REAL(pthread_mutex_unlock)(mutex);
    struct posix_mutex *m = posix_mutex(mutex, __func__);
    if (m->kind != PTHREAD_MUTEX_NORMAL && m->owner != weft_id())
        return EPERM;
    if (m->kind == PTHREAD_MUTEX_RECURSIVE && --m->depth > 0)
        return 0;
    m->owner = 0;
    m->depth = 0;
    weft_mutex_unlock(&m->lock);
    return 0;
}

int pthread_mutex_consistent(pthread_mutex_t *mutex)
{
    if (!posix_active())
        return REAL(pthread_mutex_consistent)(mutex);
    posix_refuse(__func__, "robust mutexes");
}
