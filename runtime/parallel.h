/*
 * Parallel mode: goroutines on WEFT_MAXPROCS worker threads (parallel.c).
 *
 * An ordinary run (the implicit runtime, FIFO, no race detector, no trace,
 * no lock-order check) with more than one CPU runs goroutines on several
 * threads. There is no lock over the whole runtime:
 *  - each channel, mutex, rwmutex, waitgroup, once, cond and context has a
 *    lock of its own (lock.h), taken by its operations after their
 *    scheduling point and given back before they return; select takes its
 *    channels' locks in address order (select.c);
 *  - goroutines wait on per-worker lock-free run queues (parallel.c);
 *  - each socket's netpoll record has a lock of its own (netpoll.h); any
 *    idle worker polls epoll, one at a time, and delivers under the
 *    records' locks;
 *  - every timer (a sleep's, a channel's, a timed Cond wait's, a context's
 *    or a socket's deadline) waits in a per-worker heap with its lock
 *    (time.c); a timer's function runs outside it and takes what it needs;
 *  - a blocking call's caller parks holding its call's lock (blocking.c).
 * Lock order: a netpoll record's; a worker's timer heap (a timer sends on
 * a channel); a context's, then its children's; a cond's, then its
 * mutex's; an object's; the scheduler's leaf lock.
 *
 * A goroutine that parks holds the lock of what it waits on, so no one can
 * wake it yet; it switches to the next goroutine (or the worker's idle
 * context), and that context releases the lock (park_releasing,
 * runtime_after_resume) once the parked goroutine's registers are saved.
 * A woken goroutine holds no lock when park returns.
 */
#ifndef WEFT_RUNTIME_PARALLEL_H
#define WEFT_RUNTIME_PARALLEL_H

#include "lock.h"
#include "runtime.h"

/* Starts the workers if this run may be parallel; the calling thread is
 * worker 0. Returns whether it is. */
bool parallel_start(unsigned maxprocs);

/* The next context to run on this worker, taken without any lock but the
 * scheduler's leaf lock (a parking goroutine's lock may be held): a
 * goroutine of its own queue, or the worker's idle context, which looks
 * further and sleeps when there is nothing. */
struct goroutine *parallel_next(void);

/* g is runnable: it runs next on this worker; the one it displaces joins
 * the local queue, and an idle worker is woken to share it. */
void parallel_ready(struct goroutine *g);

/* g was just created: to the local queue, waking an idle worker. */
void parallel_spawned(struct goroutine *g);

/* g yielded and its registers are saved: to the back of the local queue. */
void parallel_requeue(struct goroutine *g);

/* A timer became the earliest: a sleeping worker must wake for it. */
void parallel_timer_changed(void);

#endif
