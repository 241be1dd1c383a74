/*
 * weft's own calls of the POSIX routines a pthread program's calls are
 * interposed on (own_libc.h's WEFT_OWN_POSIX, the posix layer): the real
 * ones, through dlsym(RTLD_NEXT), so weft's own locks, helper threads,
 * clock and sleeps never become a goroutine's. Looked up at load (a crash
 * report sleeps in a signal handler, where dlsym may not run), and again
 * on first use by whatever runs before that.
 *
 * real_symbol is also how the posix layer reaches the real call of a
 * program that runs outside weft.
 */
#define _GNU_SOURCE /* RTLD_NEXT, dlvsym */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "own_posix.h"

void *real_symbol(const char *name, const char *version)
{
    void *f = version ? dlvsym(RTLD_NEXT, name, version) : NULL;
    if (!f)
        f = dlsym(RTLD_NEXT, name);
    if (!f) { /* libc without it: nothing sensible is left to do */
        static const char message[] = "weft: libc lacks a routine it needs\n";
        if (write(STDERR_FILENO, message, sizeof message - 1) < 0)
            _exit(127);
        _exit(127);
    }
    return f;
}

#define OWN __attribute__((visibility("hidden")))

/* The entry weft_own_NAME: the real NAME (VERSION, or the default). */
#define OWN_ENTRY(type, name, version, parameters, arguments)                  \
    static type(*real_##name) parameters;                                      \
    OWN type weft_own_##name parameters                                        \
    {                                                                          \
        if (!real_##name)                                                      \
            real_##name = real_symbol(#name, version);                         \
        return real_##name arguments;                                          \
    }

OWN_ENTRY(int, pthread_create, NULL,
          (pthread_t * thread, const pthread_attr_t *attr,
           void *(*start)(void *), void *arg),
          (thread, attr, start, arg))
OWN_ENTRY(int, pthread_detach, NULL, (pthread_t thread), (thread))
OWN_ENTRY(int, pthread_mutex_init, NULL,
          (pthread_mutex_t * mutex, const pthread_mutexattr_t *attr),
          (mutex, attr))
OWN_ENTRY(int, pthread_mutex_lock, NULL, (pthread_mutex_t * mutex), (mutex))
OWN_ENTRY(int, pthread_mutex_trylock, NULL, (pthread_mutex_t * mutex),
          (mutex))
OWN_ENTRY(int, pthread_mutex_unlock, NULL, (pthread_mutex_t * mutex), (mutex))
OWN_ENTRY(int, pthread_cond_wait, "GLIBC_2.3.2",
          (pthread_cond_t * cond, pthread_mutex_t *mutex), (cond, mutex))
OWN_ENTRY(int, pthread_cond_signal, "GLIBC_2.3.2", (pthread_cond_t * cond),
          (cond))
OWN_ENTRY(int, nanosleep, NULL,
          (const struct timespec *duration, struct timespec *left),
          (duration, left))
OWN_ENTRY(int, clock_nanosleep, NULL,
          (clockid_t clock, int flags, const struct timespec *until,
           struct timespec *left),
          (clock, flags, until, left))
OWN_ENTRY(int, clock_gettime, NULL, (clockid_t clock, struct timespec *now),
          (clock, now))

static void (*real_exit)(int status);

OWN _Noreturn void weft_own_exit(int status)
{
    if (!real_exit)
        real_exit = real_symbol("exit", NULL);
    real_exit(status);
    __builtin_unreachable();
}

static const char *const real_call_names[REAL_CALL_COUNT] = {
#define WEFT_REAL_NAME(name) #name,
    WEFT_REAL_CALLS(WEFT_REAL_NAME)
#undef WEFT_REAL_NAME
};

void *real_calls[REAL_CALL_COUNT];

void *real_call_resolve(enum real_call call)
{
    return real_calls[call] = real_symbol(real_call_names[call], NULL);
}

/* early, so that no constructor's call has to look one up; a libc that
 * lacks one of the program's calls fails only if it is called */
__attribute__((constructor(101))) static void resolve_own_posix(void)
{
    for (int call = 0; call < REAL_CALL_COUNT; call++)
        real_calls[call] = dlsym(RTLD_NEXT, real_call_names[call]);
#define RESOLVE(name) real_##name = real_symbol(#name, NULL);
    RESOLVE(pthread_create)
    RESOLVE(pthread_detach)
    RESOLVE(pthread_mutex_init)
    RESOLVE(pthread_mutex_lock)
    RESOLVE(pthread_mutex_trylock)
    RESOLVE(pthread_mutex_unlock)
    RESOLVE(nanosleep)
    RESOLVE(clock_nanosleep)
    RESOLVE(clock_gettime)
    RESOLVE(exit)
#undef RESOLVE
    real_pthread_cond_wait = real_symbol("pthread_cond_wait", "GLIBC_2.3.2");
    real_pthread_cond_signal =
        real_symbol("pthread_cond_signal", "GLIBC_2.3.2");
}
