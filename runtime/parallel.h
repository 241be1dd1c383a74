/*
 * Parallel mode: goroutines on WEFT_MAXPROCS worker threads (parallel.c).
 *
 * An ordinary run (the implicit runtime, FIFO, no race detector, no trace)
 * with more than one CPU runs goroutines on several threads. The runtime's
 * state stays what it is in one thread, guarded by one lock: every
 * operation takes it at its scheduling point and gives it back when it
 * returns to the user's code. A goroutine that parks switches to the next
 * one with the lock held, and that one gives it back when its own operation
 * returns, so no one can wake a goroutine before its context is saved. The
 * user's code between operations runs in parallel.
 */
#ifndef WEFT_RUNTIME_PARALLEL_H
#define WEFT_RUNTIME_PARALLEL_H

#include "runtime.h"

void rt_lock(void);
void rt_unlock(void);
/* For a crash report: takes the lock unless this thread holds it already,
 * giving up after about a second (its holder may have crashed as well, or
 * been stopped); false if it could not. Never given back: the process
 * ends. */
bool rt_lock_for_report(void);

/* At the end of every operation (and wherever the runtime gives the CPU
 * back to the user's code): one test when not parallel. */
#define RT_UNLOCK()                                                            \
    do {                                                                       \
        if (unlikely(rt.parallel))                                             \
            rt_unlock();                                                       \
    } while (0)
#define RT_LOCK()                                                              \
    do {                                                                       \
        if (unlikely(rt.parallel))                                             \
            rt_lock();                                                         \
    } while (0)

/* Starts the workers if this run may be parallel; the calling thread is
 * worker 0. Returns whether it is. */
bool parallel_start(unsigned maxprocs);

/* The next context to run on this worker: a goroutine, or the worker's
 * idle context when there is none (it looks further, then sleeps). */
struct goroutine *parallel_next(void);

/* g is runnable: it runs next on this worker; the one it displaces joins
 * the local queue, and an idle worker is woken when there is work to share. */
void parallel_ready(struct goroutine *g);

/* g was just created: to the local queue, waking an idle worker. */
void parallel_spawned(struct goroutine *g);

/* A timer became the earliest: a sleeping worker must wake for it. */
void parallel_timer_changed(void);

#endif
