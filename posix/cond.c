/*
 * pthread condition variables on weft conds. Each wait binds the cond to
 * the mutex it is given (POSIX: every waiter at one time uses the same
 * one) and hands the mutex's ownership back and forth around it.
 * timedwait's deadline is on the cond's clock (pthread_condattr_setclock),
 * as the program's clock_gettime reads it: weft's clock under the harness.
 * No spurious wake-ups (weft's Cond), which POSIX allows.
 * Happens-before: signal/broadcast HB the return of the wait it wakes,
 * besides the mutex's own edges.
 */
#include <errno.h>

#include "mutex.h"

struct posix_cond {
    weft_cond cond;
    clockid_t clock;
};

static struct posix_cond *posix_cond(pthread_cond_t *cond, const char *call)
{
    return posix_state(cond, sizeof(struct posix_cond), call);
}

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
    if (!posix_active())
        return REAL(pthread_cond_init)(cond, attr);
    *cond = (pthread_cond_t){0};
    struct posix_cond *c = posix_state_new(cond, sizeof *c);
    c->clock = CLOCK_REALTIME;
    if (attr)
        pthread_condattr_getclock(attr, &c->clock);
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *cond)
{
    if (!posix_active())
        return REAL(pthread_cond_destroy)(cond);
    struct posix_cond *c = posix_cond(cond, __func__);
    if (c->cond.waiters.head)
        return EBUSY;
    posix_state_free(cond);
    return 0;
}

/* Waits until signalled or deadline_ns (< 0: none); ETIMEDOUT if the
 * deadline came first. */
static int cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                     int64_t deadline_ns, const char *call)
{
    struct posix_cond *c = posix_cond(cond, call);
    struct posix_mutex *m = posix_mutex(mutex, call);
    uint64_t self = weft_id();
    if (m->kind != PTHREAD_MUTEX_NORMAL && m->owner != self)
        return EPERM;
    unsigned depth = m->depth;
    c->cond.mutex = &m->lock;
    m->owner = 0;
    m->depth = 0;
    bool signalled = cond_wait_until(&c->cond, deadline_ns);
    m->owner = self;
    m->depth = depth;
    return signalled ? 0 : ETIMEDOUT;
}

int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    if (!posix_active())
        return REAL(pthread_cond_wait)(cond, mutex);
    return cond_wait(cond, mutex, -1, __func__);
}

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           const struct timespec *at)
{
    if (!posix_active())
        return REAL(pthread_cond_timedwait)(cond, mutex, at);
    int64_t deadline;
    int error = posix_deadline(posix_cond(cond, __func__)->clock, at, &deadline);
    if (error)
        return error;
    return cond_wait(cond, mutex, deadline, __func__);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           clockid_t clock, const struct timespec *at)
{
    if (!posix_active())
        return REAL(pthread_cond_clockwait)(cond, mutex, clock, at);
    int64_t deadline;
    int error = posix_deadline(clock, at, &deadline);
    if (error)
        return error;
    return cond_wait(cond, mutex, deadline, __func__);
}

int pthread_cond_signal(pthread_cond_t *cond)
{
    if (!posix_active())
        return REAL(pthread_cond_signal)(cond);
    weft_cond_signal(&posix_cond(cond, __func__)->cond);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *cond)
{
    if (!posix_active())
        return REAL(pthread_cond_broadcast)(cond);
    weft_cond_broadcast(&posix_cond(cond, __func__)->cond);
    return 0;
}
