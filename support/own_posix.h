/*
 * The real POSIX routines behind the posix layer's interposed ones
 * (own_posix.c): what a program's call reaches outside weft, and what
 * weft's own calls always reach (own_libc.h's WEFT_OWN_POSIX).
 */
#ifndef WEFT_SUPPORT_OWN_POSIX_H
#define WEFT_SUPPORT_OWN_POSIX_H

/* libc's NAME (of symbol VERSION, when not NULL): never NULL (a libc
 * without it ends the process with a message). */
void *real_symbol(const char *name, const char *version)
    __attribute__((visibility("hidden")));

/* The real exit, for a file that defines the program's names itself
 * (WEFT_DEFINES_POSIX). */
_Noreturn void weft_own_exit(int status) __attribute__((visibility("hidden")));

/* X(name): every call the posix layer and the harness interpose and may
 * hand on to libc (REAL). */
#define WEFT_REAL_CALLS(X) \
    X(__assert_fail)                                                  \
    X(__libc_start_main)                                              \
    X(call_once)                                                      \
    X(clock_gettime)                                                  \
    X(clock_nanosleep)                                                \
    X(cnd_broadcast)                                                  \
    X(cnd_destroy)                                                    \
    X(cnd_init)                                                       \
    X(cnd_signal)                                                     \
    X(cnd_timedwait)                                                  \
    X(cnd_wait)                                                       \
    X(gettimeofday)                                                   \
    X(mtx_destroy)                                                    \
    X(mtx_init)                                                       \
    X(mtx_lock)                                                       \
    X(mtx_timedlock)                                                  \
    X(mtx_trylock)                                                    \
    X(mtx_unlock)                                                     \
    X(nanosleep)                                                      \
    X(pthread_barrier_destroy)                                        \
    X(pthread_barrier_init)                                           \
    X(pthread_barrier_wait)                                           \
    X(pthread_cancel)                                                 \
    X(pthread_cond_broadcast)                                         \
    X(pthread_cond_clockwait)                                         \
    X(pthread_cond_destroy)                                           \
    X(pthread_cond_init)                                              \
    X(pthread_cond_signal)                                            \
    X(pthread_cond_timedwait)                                         \
    X(pthread_cond_wait)                                              \
    X(pthread_create)                                                 \
    X(pthread_detach)                                                 \
    X(pthread_exit)                                                   \
    X(pthread_getname_np)                                             \
    X(pthread_getspecific)                                            \
    X(pthread_join)                                                   \
    X(pthread_key_create)                                             \
    X(pthread_key_delete)                                             \
    X(pthread_kill)                                                   \
    X(pthread_mutex_consistent)                                       \
    X(pthread_mutex_destroy)                                          \
    X(pthread_mutex_init)                                             \
    X(pthread_mutex_lock)                                             \
    X(pthread_mutex_timedlock)                                        \
    X(pthread_mutex_trylock)                                          \
    X(pthread_mutex_unlock)                                           \
    X(pthread_once)                                                   \
    X(pthread_rwlock_destroy)                                         \
    X(pthread_rwlock_init)                                            \
    X(pthread_rwlock_rdlock)                                          \
    X(pthread_rwlock_timedrdlock)                                     \
    X(pthread_rwlock_timedwrlock)                                     \
    X(pthread_rwlock_tryrdlock)                                       \
    X(pthread_rwlock_trywrlock)                                       \
    X(pthread_rwlock_unlock)                                          \
    X(pthread_rwlock_wrlock)                                          \
    X(pthread_self)                                                   \
    X(pthread_setcancelstate)                                         \
    X(pthread_setcanceltype)                                          \
    X(pthread_setname_np)                                             \
    X(pthread_setspecific)                                            \
    X(pthread_sigqueue)                                               \
    X(pthread_spin_destroy)                                           \
    X(pthread_spin_init)                                              \
    X(pthread_spin_lock)                                              \
    X(pthread_spin_trylock)                                           \
    X(pthread_spin_unlock)                                            \
    X(pthread_testcancel)                                             \
    X(pthread_timedjoin_np)                                           \
    X(pthread_tryjoin_np)                                             \
    X(sched_yield)                                                    \
    X(sem_destroy)                                                    \
    X(sem_getvalue)                                                   \
    X(sem_init)                                                       \
    X(sem_open)                                                       \
    X(sem_post)                                                       \
    X(sem_timedwait)                                                  \
    X(sem_trywait)                                                    \
    X(sem_wait)                                                       \
    X(sleep)                                                          \
    X(thrd_create)                                                    \
    X(thrd_current)                                                   \
    X(thrd_detach)                                                    \
    X(thrd_exit)                                                      \
    X(thrd_join)                                                      \
    X(thrd_sleep)                                                     \
    X(thrd_yield)                                                     \
    X(time)                                                           \
    X(tss_create)                                                     \
    X(tss_delete)                                                     \
    X(tss_get)                                                        \
    X(tss_set)                                                        \
    X(usleep)

enum real_call {
#define WEFT_REAL_INDEX(name) REAL_##name,
    WEFT_REAL_CALLS(WEFT_REAL_INDEX)
#undef WEFT_REAL_INDEX
    REAL_CALL_COUNT
};

/* Looked up when libweft is loaded, before any thread can call one (a
 * lookup on first use would race with a second thread's), and by
 * real_call_resolve if a constructor calls one sooner. */
extern void *real_calls[REAL_CALL_COUNT]
    __attribute__((visibility("hidden")));
void *real_call_resolve(enum real_call call)
    __attribute__((visibility("hidden")));

/* The real NAME. */
#define REAL(name)                                                             \
    ((__typeof__(name) *)(real_calls[REAL_##name]                              \
                              ? real_calls[REAL_##name]                        \
                              : real_call_resolve(REAL_##name)))

#endif
