/*
 * The posix layer: a pthread program's calls (pthread_*, sem_*, sleeps, the
 * clock, C11 <threads.h>) interposed by symbol and mapped onto weft's
 * goroutines and sync, so the harness explores an unmodified program's
 * schedules and the detector sees its threads.
 *
 * Invariants:
 *  - An interposed call acts as weft only while posix_active(): in a
 *    schedule of `weft test --pthread` (posix_threads_start, called by the
 *    harness in the schedule's process), on the thread that runs the
 *    goroutines, and not inside weft's own work. Everywhere else it is the
 *    real call (REAL), so weft's own threads and locks, and every program
 *    outside weft, are untouched.
 *  - Under weft no pthread call runs on a real thread: a call weft cannot
 *    map is refused with a panic naming it (posix_refuse).
 *  - A pthread object (mutex, cond, rwlock, barrier, semaphore) keeps weft's
 *    state in a block of its own that its first 16 bytes point to
 *    (object.c); zero bytes, as the static initialisers leave them, are an
 *    object not used yet.
 * These files define the real calls' names, so they are compiled with
 * WEFT_DEFINES_POSIX (own_libc.h renames them everywhere else).
 */
#ifndef WEFT_POSIX_H
#define WEFT_POSIX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "compiler.h"
#include "own_posix.h"
#include "own_work.h"
#include "posix_hooks.h"
#include "weft.h"

extern bool posix_on;
extern __thread bool posix_thread __attribute__((tls_model("initial-exec")));

static inline bool posix_active(void)
{
    return unlikely(posix_on) && posix_thread && own_work_depth == 0;
}

/* A call weft cannot map onto goroutines: a panic that names it. */
_Noreturn void posix_refuse(const char *call, const char *why);

/* ---- objects (object.c) ---- */

/* The weft state of the pthread object at object (size bytes, zeroed on
 * first use); call names the caller in a panic for an object that holds
 * something else (one initialised or used outside weft). */
void *posix_state(void *object, size_t size, const char *call);
/* Makes object's state a fresh zeroed block of size bytes. */
void *posix_state_new(void *object, size_t size);
/* Frees object's state; the object is unused again. */
void posix_state_free(void *object);

/* ---- threads (thread.c) ---- */

enum { POSIX_KEYS_MAX = 1024 };

struct posix_thread {
    void *(*start)(void *arg);
    void *arg;
    void *result;
    uint64_t goroutine;      /* its weft_id */
    weft_waitgroup running;  /* 1 until it ends: join waits for 0 */
    bool joined, detached;   /* by the program's calls */
    void **values; /* pthread_key values, POSIX_KEYS_MAX, or NULL */
    unsigned char *tls; /* its thread-locals while another's are in (tls.c) */
    bool ended;
    char name[16];
    struct posix_thread *next; /* every thread, newest first */
};

/* pthread_create, the thread created at created_pc (the program's call,
 * which reports name). */
int posix_thread_create(pthread_t *thread, const pthread_attr_t *attr,
                        void *(*start)(void *), void *arg,
                        uintptr_t created_pc);
/* A thread's end, its result set: key destructors, then its joiner may
 * go on. */
void posix_thread_end(struct posix_thread *t);
/* The calling goroutine's thread (the main thread's for main). */
struct posix_thread *posix_self(void);
/* The main thread's record. */
struct posix_thread *posix_main_thread(void);
/* Runs the key destructors of self's values (keys.c). */
void posix_keys_run_destructors(struct posix_thread *self);

/* ---- thread-locals (tls.c) ---- */

/* Finds the program's thread-locals and swaps them at each switch between
 * threads from now on; the main thread's are those in place. */
void posix_tls_start(void);
/* The program hands address to another thread (pthread_create's
 * argument): if it is one of its thread-locals, the detector checks them
 * as shared memory from now on. */
void posix_tls_handed(const void *address);

/* ---- time (time.c) ---- */

/* A deadline on clock (an absolute time, as the program's clock_gettime
 * reads it) as weft_now's time; EINVAL for a bad timespec or clock. */
int posix_deadline(clockid_t clock, const struct timespec *at,
                   int64_t *deadline_ns);
/* Sleeps until deadline_ns (weft_now's clock). */
void posix_sleep_until(int64_t deadline_ns);
/* Calls attempt(object) until it succeeds (true) or deadline_ns passes
 * (false), sleeping between tries, a millisecond at first and twice as
 * long each time: a timed lock weft has no timed wait for, in a number of
 * steps that grows with the log of the timeout. */
bool posix_poll_until(bool (*attempt)(void *object), void *object,
                      int64_t deadline_ns);

#endif
