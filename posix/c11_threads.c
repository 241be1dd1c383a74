/*
 * C11 <threads.h> under weft: glibc implements thrd_*, mtx_*, cnd_*,
 * tss_* and call_once on its own pthread internals, which interposing
 * pthread_* does not reach, so each is interposed here too and mapped
 * onto the posix layer's pthread calls (the same goroutines, locks and
 * happens-before edges), with C11's result codes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

#include "posix.h"

static int c11_result(int error)
{
    switch (error) {
    case 0:
        return thrd_success;
    case EBUSY:
        return thrd_busy;
    case ETIMEDOUT:
        return thrd_timedout;
    case ENOMEM:
    case EAGAIN:
        return thrd_nomem;
    default:
        return thrd_error;
    }
}

/* ---- threads ---- */

struct c11_start {
    thrd_start_t function;
    void *arg;
};

static void *c11_thread(void *start)
{
    struct c11_start s = *(struct c11_start *)start;
    free(start);
    return (void *)(intptr_t)s.function(s.arg);
}

int thrd_create(thrd_t *thread, thrd_start_t function, void *arg)
{
    if (!posix_active())
        return REAL(thrd_create)(thread, function, arg);
    struct c11_start *start = malloc(sizeof *start);
    if (!start)
        return thrd_nomem;
    *start = (struct c11_start){function, arg};
    pthread_t t;
    int error = posix_thread_create(&t, NULL, c11_thread, start,
                                    (uintptr_t)__builtin_return_address(0));
    if (error)
        free(start);
    else
        *thread = t;
    return c11_result(error);
}

int thrd_join(thrd_t thread, int *result)
{
    if (!posix_active())
        return REAL(thrd_join)(thread, result);
    void *value;
    int error = pthread_join(thread, &value);
    if (!error && result)
        *result = (int)(intptr_t)value;
    return c11_result(error);
}

int thrd_detach(thrd_t thread)
{
    if (!posix_active())
        return REAL(thrd_detach)(thread);
    return c11_result(pthread_detach(thread));
}

thrd_t thrd_current(void)
{
    if (!posix_active())
        return REAL(thrd_current)();
    return pthread_self();
}

_Noreturn void thrd_exit(int result)
{
    if (!posix_active())
        REAL(thrd_exit)(result);
    pthread_exit((void *)(intptr_t)result);
}

int thrd_sleep(const struct timespec *duration, struct timespec *left)
{
    if (!posix_active())
        return REAL(thrd_sleep)(duration, left);
    return nanosleep(duration, left) == 0 ? 0 : -2;
}

void thrd_yield(void)
{
    if (!posix_active()) {
        REAL(thrd_yield)();
        return;
    }
    sched_yield();
}

/* ---- mutexes and conditions ---- */

int mtx_init(mtx_t *mutex, int type)
{
    if (!posix_active())
        return REAL(mtx_init)(mutex, type);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    if (type & mtx_recursive)
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int error = pthread_mutex_init((pthread_mutex_t *)mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    return c11_result(error);
}

void mtx_destroy(mtx_t *mutex)
{
    if (!posix_active()) {
        REAL(mtx_destroy)(mutex);
        return;
    }
    pthread_mutex_destroy((pthread_mutex_t *)mutex);
}

int mtx_lock(mtx_t *mutex)
{
    if (!posix_active())
        return REAL(mtx_lock)(mutex);
    return c11_result(pthread_mutex_lock((pthread_mutex_t *)mutex));
}

int mtx_trylock(mtx_t *mutex)
{
    if (!posix_active())
        return REAL(mtx_trylock)(mutex);
    return c11_result(pthread_mutex_trylock((pthread_mutex_t *)mutex));
}

int mtx_timedlock(mtx_t *restrict mutex, const struct timespec *restrict at)
{
    if (!posix_active())
        return REAL(mtx_timedlock)(mutex, at);
    return c11_result(pthread_mutex_timedlock((pthread_mutex_t *)mutex, at));
}

int mtx_unlock(mtx_t *mutex)
{
    if (!posix_active())
        return REAL(mtx_unlock)(mutex);
    return c11_result(pthread_mutex_unlock((pthread_mutex_t *)mutex));
}

int cnd_init(cnd_t *cond)
{
    if (!posix_active())
        return REAL(cnd_init)(cond);
    return c11_result(pthread_cond_init((pthread_cond_t *)cond, NULL));
}

void cnd_destroy(cnd_t *cond)
{
    if (!posix_active()) {
        REAL(cnd_destroy)(cond);
        return;
    }
    pthread_cond_destroy((pthread_cond_t *)cond);
}

int cnd_wait(cnd_t *cond, mtx_t *mutex)
{
    if (!posix_active())
        return REAL(cnd_wait)(cond, mutex);
    return c11_result(
        pthread_cond_wait((pthread_cond_t *)cond, (pthread_mutex_t *)mutex));
}

int cnd_timedwait(cnd_t *restrict cond, mtx_t *restrict mutex,
                  const struct timespec *restrict at)
{
    if (!posix_active())
        return REAL(cnd_timedwait)(cond, mutex, at);
    return c11_result(pthread_cond_timedwait(
        (pthread_cond_t *)cond, (pthread_mutex_t *)mutex, at));
}

int cnd_signal(cnd_t *cond)
{
    if (!posix_active())
        return REAL(cnd_signal)(cond);
    return c11_result(pthread_cond_signal((pthread_cond_t *)cond));
}

int cnd_broadcast(cnd_t *cond)
{
    if (!posix_active())
        return REAL(cnd_broadcast)(cond);
    return c11_result(pthread_cond_broadcast((pthread_cond_t *)cond));
}

/* ---- once and thread-specific storage ---- */

void call_once(once_flag *once, void (*function)(void))
{
    if (!posix_active()) {
        REAL(call_once)(once, function);
        return;
    }
    pthread_once((pthread_once_t *)once, function);
}

int tss_create(tss_t *key, tss_dtor_t destructor)
{
    if (!posix_active())
        return REAL(tss_create)(key, destructor);
    return c11_result(pthread_key_create(key, destructor));
}

void tss_delete(tss_t key)
{
    if (!posix_active()) {
        REAL(tss_delete)(key);
        return;
    }
    pthread_key_delete(key);
}

void *tss_get(tss_t key)
{
    if (!posix_active())
        return REAL(tss_get)(key);
    return pthread_getspecific(key);
}

int tss_set(tss_t key, void *value)
{
    if (!posix_active())
        return REAL(tss_set)(key, value);
    return c11_result(pthread_setspecific(key, value));
}
