/*
 * Threads as goroutines: pthread_create starts one (weft_go), and its
 * struct posix_thread is the pthread_t. The main thread is the main
 * goroutine's, a static record.
 * Happens-before, as POSIX gives it: pthread_create HB the thread's start
 * (weft_go's edge); the thread's end HB the return of the pthread_join
 * that waits for it (its lock and cond: it ends under the lock).
 * A thread's record lives as long as the schedule's process (a thread
 * joined twice, or detached once joined, is named in a panic); main
 * returning ends the program however many threads still run, as in C.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "goroutine_names.h"
#include "posix.h"

static struct posix_thread main_thread;
/* threads started and not yet ended: what a main that calls pthread_exit
 * waits for */
static weft_waitgroup running;

struct posix_thread *posix_self(void)
{
    void **slot = goroutine_posix_slot();
    if (!*slot) { /* the main goroutine, or one of weft's own */
        if (!main_thread.goroutine)
            main_thread.goroutine = weft_id();
        *slot = &main_thread;
    }
    return *slot;
}

/* The thread's end: its result kept for join, its keys' destructors run,
 * its joiner woken. */
static void thread_end(struct posix_thread *t, void *result)
{
    t->result = result;
    posix_keys_run_destructors(t);
    weft_mutex_lock(&t->lock);
    t->ended = true;
    bool detached = t->detached;
    weft_cond_broadcast(&t->ended_cond);
    weft_mutex_unlock(&t->lock);
    if (detached) /* nobody reads them now */
        free(t->values);
    if (t != &main_thread)
        weft_waitgroup_done(&running);
}

static void thread_main(void *arg)
{
    struct posix_thread *t = arg;
    *goroutine_posix_slot() = t;
    t->goroutine = weft_id();
    thread_end(t, t->start(t->arg));
}

int posix_thread_create(pthread_t *thread, const pthread_attr_t *attr,
                        void *(*start)(void *), void *arg,
                        uintptr_t created_pc)
{
    int detach = PTHREAD_CREATE_JOINABLE;
    if (attr)
        pthread_attr_getdetachstate(attr, &detach);
    struct posix_thread *t = calloc(1, sizeof *t);
    if (!t)
        return EAGAIN;
    t->start = start;
    t->arg = arg;
    t->detached = detach == PTHREAD_CREATE_DETACHED;
    weft_cond_init(&t->ended_cond, &t->lock);
    weft_waitgroup_add(&running, 1);
    *thread = (pthread_t)t;
    posix_go(thread_main, t, created_pc);
    return 0;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*start)(void *), void *arg)
{
    if (!posix_active())
        return REAL(pthread_create)(thread, attr, start, arg);
    return posix_thread_create(thread, attr, start, arg,
                               (uintptr_t)__builtin_return_address(0));
}

/* A thread joined already is gone: POSIX leaves a second join or detach
 * undefined, and weft names it. */
_Noreturn static void already_joined(const char *call, struct posix_thread *t)
{
    char name[GOROUTINE_NAME_MAX];
    weft_panic("%s: %s was already joined", call,
               goroutine_name(name, sizeof name, t->goroutine, false));
}

/* Waits for t to end, unless wait is false (EBUSY if it has not) or the
 * deadline passes (ETIMEDOUT); takes its result. */
static int thread_join(struct posix_thread *t, void **result, bool wait,
                       int64_t deadline_ns)
{
    if (t == posix_self())
        return EDEADLK;
    weft_mutex_lock(&t->lock);
    if (t->joined)
        already_joined("pthread_join", t);
    if (t->detached) {
        weft_mutex_unlock(&t->lock);
        return EINVAL;
    }
    while (!t->ended) {
        if (!wait || !cond_wait_until(&t->ended_cond, deadline_ns)) {
            weft_mutex_unlock(&t->lock);
            return wait ? ETIMEDOUT : EBUSY;
        }
    }
    t->joined = true;
    weft_mutex_unlock(&t->lock);
    if (result)
        *result = t->result;
    return 0;
}

int pthread_join(pthread_t thread, void **result)
{
    if (!posix_active())
        return REAL(pthread_join)(thread, result);
    return thread_join((struct posix_thread *)thread, result, true, -1);
}

int pthread_tryjoin_np(pthread_t thread, void **result)
{
    if (!posix_active())
        return REAL(pthread_tryjoin_np)(thread, result);
    return thread_join((struct posix_thread *)thread, result, false, -1);
}

int pthread_timedjoin_np(pthread_t thread, void **result,
                         const struct timespec *at)
{
    if (!posix_active())
        return REAL(pthread_timedjoin_np)(thread, result, at);
    int64_t deadline;
    int error = posix_deadline(CLOCK_REALTIME, at, &deadline);
    if (error)
        return error;
    return thread_join((struct posix_thread *)thread, result, true, deadline);
}

int pthread_detach(pthread_t thread)
{
    if (!posix_active())
        return REAL(pthread_detach)(thread);
    struct posix_thread *t = (struct posix_thread *)thread;
    weft_mutex_lock(&t->lock);
    if (t->joined)
        already_joined("pthread_detach", t);
    bool was_detached = t->detached;
    t->detached = true;
    weft_mutex_unlock(&t->lock);
    return was_detached ? EINVAL : 0;
}

pthread_t pthread_self(void)
{
    if (!posix_active())
        return REAL(pthread_self)();
    return (pthread_t)posix_self();
}

_Noreturn void pthread_exit(void *result)
{
    if (!posix_active())
        REAL(pthread_exit)(result);
    struct posix_thread *self = posix_self();
    if (self == &main_thread) {
        /* the process lives on until its last thread ends, then exits 0 */
        posix_keys_run_destructors(self);
        weft_waitgroup_wait(&running);
        weft_own_exit(0);
    }
    thread_end(self, result);
    weft_exit();
}

int pthread_setname_np(pthread_t thread, const char *name)
{
    if (!posix_active())
        return REAL(pthread_setname_np)(thread, name);
    struct posix_thread *t = (struct posix_thread *)thread;
    if (strlen(name) >= sizeof t->name)
        return ERANGE;
    strcpy(t->name, name);
    return 0;
}

int pthread_getname_np(pthread_t thread, char *name, size_t size)
{
    if (!posix_active())
        return REAL(pthread_getname_np)(thread, name, size);
    struct posix_thread *t = (struct posix_thread *)thread;
    if (strlen(t->name) >= size)
        return ERANGE;
    strcpy(name, t->name);
    return 0;
}
