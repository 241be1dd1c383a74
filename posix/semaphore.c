/*
 * Unnamed POSIX semaphores: a count under a weft mutex, and a cond that
 * sem_post signals. Named ones (sem_open) are refused.
 * Happens-before: a post HB the wait that takes its unit (and, through
 * the mutex, every later wait).
 */
#include <errno.h>
#include <semaphore.h>
#include <stdarg.h>

#include "posix.h"

struct posix_semaphore {
    weft_mutex lock;
    weft_cond posted;
    unsigned value;
};

static struct posix_semaphore *posix_semaphore(sem_t *sem, const char *call)
{
    struct posix_semaphore *s =
        posix_state(sem, sizeof(struct posix_semaphore), call);
    if (!s->posted.mutex) /* zero bytes: a semaphore of value 0 */
        weft_cond_init(&s->posted, &s->lock);
    return s;
}

int sem_init(sem_t *sem, int shared, unsigned value)
{
    if (!posix_active())
        return REAL(sem_init)(sem, shared, value);
    *sem = (sem_t){0};
    struct posix_semaphore *s = posix_state_new(sem, sizeof *s);
    s->value = value;
    weft_cond_init(&s->posted, &s->lock);
    return 0;
}

int sem_destroy(sem_t *sem)
{
    if (!posix_active())
        return REAL(sem_destroy)(sem);
    posix_state_free(sem);
    return 0;
}

/* Takes a unit, waiting for one until deadline_ns (< 0: none) if wait;
 * -1 with errno EAGAIN or ETIMEDOUT if none came. */
static int take(sem_t *sem, bool wait, int64_t deadline_ns, const char *call)
{
    struct posix_semaphore *s = posix_semaphore(sem, call);
    weft_mutex_lock(&s->lock);
    while (s->value == 0) {
        if (!wait || !cond_wait_until(&s->posted, deadline_ns)) {
            weft_mutex_unlock(&s->lock);
            errno = wait ? ETIMEDOUT : EAGAIN;
            return -1;
        }
    }
    s->value--;
    weft_mutex_unlock(&s->lock);
    return 0;
}

int sem_wait(sem_t *sem)
{
    if (!posix_active())
        return REAL(sem_wait)(sem);
    return take(sem, true, -1, __func__);
}

int sem_trywait(sem_t *sem)
{
    if (!posix_active())
        return REAL(sem_trywait)(sem);
    return take(sem, false, -1, __func__);
}

int sem_timedwait(sem_t *sem, const struct timespec *at)
{
    if (!posix_active())
        return REAL(sem_timedwait)(sem, at);
    int64_t deadline;
    int error = posix_deadline(CLOCK_REALTIME, at, &deadline);
    if (error) {
        errno = error;
        return -1;
    }
    return take(sem, true, deadline, __func__);
}

int sem_post(sem_t *sem)
{
    if (!posix_active())
        return REAL(sem_post)(sem);
    struct posix_semaphore *s = posix_semaphore(sem, __func__);
    weft_mutex_lock(&s->lock);
    s->value++;
    weft_cond_signal(&s->posted);
    weft_mutex_unlock(&s->lock);
    return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
    if (!posix_active())
        return REAL(sem_getvalue)(sem, value);
    struct posix_semaphore *s = posix_semaphore(sem, __func__);
    *value = (int)s->value;
    return 0;
}

sem_t *sem_open(const char *name, int flags, ...)
{
    if (!posix_active()) {
        va_list args;
        va_start(args, flags);
        unsigned mode = va_arg(args, unsigned);
        unsigned value = va_arg(args, unsigned);
        va_end(args);
        return REAL(sem_open)(name, flags, mode, value);
    }
    posix_refuse(__func__, "named semaphores are shared between processes");
}
