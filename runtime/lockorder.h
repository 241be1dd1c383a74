/*
 * Potential deadlocks: the lock-order graph.
 *
 * While it is on (under the harness, or WEFT_OPTIONS=detect_deadlocks=1),
 * every goroutine's held locks are tracked, and acquiring B while holding A
 * adds the edge A→B, with the stacks of both acquisitions. A cycle is
 * reported when it is found, even if this run never deadlocks. The lock
 * functions call in here only behind one test of rt.lock_order.
 */
#ifndef WEFT_RUNTIME_LOCKORDER_H
#define WEFT_RUNTIME_LOCKORDER_H

#include "runtime.h"

enum lock_kind { LOCK_MUTEX, LOCK_RWMUTEX, LOCK_CHAN };
enum lock_mode { LOCK_WRITE, LOCK_READ };

#define LOCK_ORDER(event, ...)                                                 \
    do {                                                                       \
        if (unlikely(rt.lock_order))                                           \
            lockorder_##event(__VA_ARGS__);                                    \
    } while (0)

/* A fresh run: forgets the graph; returns whether tracking is on (the
 * harness's setting in rt_process, or WEFT_OPTIONS detect_deadlocks). */
bool lockorder_run_start(void);

/* The current goroutine is about to wait for lock (before its scheduling
 * point): marks it when this acquisition closes the targeted cycle. */
void lockorder_before(const void *lock);

/* The current goroutine now holds lock. blocking: it could have waited for
 * it (not a TryLock), so holding other locks adds edges. id_field names the
 * lock in reports (mutex#N). */
void lockorder_acquired(const void *lock, enum lock_kind kind,
                        uint32_t *id_field, enum lock_mode mode, bool blocking);

/* lock was released, by its holder or on its behalf (a mutex belongs to
 * no goroutine). */
void lockorder_released(const void *lock);

/* A 1-slot channel's value was received: the sender's hold ends; when the
 * receiver is the sender, the channel is used as a lock. */
void lockorder_chan_received(const void *chan);

/* g ends: what it still holds is forgotten. */
void lockorder_goroutine_end(struct goroutine *g);

#endif
