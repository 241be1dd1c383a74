/*
 * Threads as goroutines: pthread_create starts one (weft_go), and its
 * struct posix_thread is the pthread_t. The main thread is the main
 * goroutine's, a static record.
 * Happens-before, as POSIX gives it: pthread_create HB the thread's start
 * (weft_go's edge); the thread's end HB the return of the pthread_join
 * that waits for it (each thread's wait group: Done at its end, Wait in
 * join). A thread is one Add and a go when created, a Done and an exit
 * when it ends, a Wait when joined: what a schedule's steps show.
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
/* every thread created, newest first: what a main that calls
 * pthread_exit waits for */
static struct posix_thread *threads;

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

struct posix_thread *posix_main_thread(void)
{
    return &main_thread;
}

static void thread_main(void *arg)
{
    struct posix_thread *t = arg; /* already in its posix slot */
    t->goroutine = weft_id();
    t->result = t->start(t->arg);
    posix_thread_end(t);
}

void posix_thread_end(struct posix_thread *t)
{
    posix_keys_run_destructors(t);
    t->ended = true; /* its thread-locals are not kept past its switch out */
    if (t->detached) /* nobody reads them now */
        free(t->values);
    weft_waitgroup_done(&t->running);
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
    posix_tls_handed(arg);
    t->start = start;
    t->arg = arg;
    t->detached = detach == PTHREAD_CREATE_DETACHED;
    t->next = threads;
    threads = t;
    weft_waitgroup_add(&t->running, 1);
    *thread = (pthread_t)t;
    posix_go(thread_main, t, created_pc, t);
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

static bool ended(void *t)
{
    return ((struct posix_thread *)t)->running.counter == 0;
}

/* Waits for t to end, unless wait is false (EBUSY if it has not) or the
 * deadline passes (ETIMEDOUT); takes its result. */
static int thread_join(struct posix_thread *t, void **result, bool wait,
                       int64_t deadline_ns)
{
    if (t == posix_self())
        return EDEADLK;
    if (t->joined)
        already_joined("pthread_join", t);
    if (t->detached)
        return EINVAL;
    if (!ended(t) && (!wait || (deadline_ns >= 0 &&
                                !posix_poll_until(ended, t, deadline_ns))))
        return wait ? ETIMEDOUT : EBUSY;
    weft_waitgroup_wait(&t->running); /* its end HB this return */
    t->joined = true;
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
    if (t->joined)
        already_joined("pthread_detach", t);
    if (t->detached)
        return EINVAL;
    t->detached = true;
    return 0;
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
    self->result = result;
    if (self != &main_thread) {
        posix_thread_end(self);
        weft_exit();
    }
    /* main: the process lives on until its last thread ends, then exits 0 */
    posix_keys_run_destructors(self);
    for (struct posix_thread *t = threads; t; t = t->next)
        weft_waitgroup_wait(&t->running);
    exit(0);
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
