/*
 * The detector's state: one struct, `det`, reached one way.
 *
 * Invariants:
 *  - One OS thread runs every goroutine; the detector is never re-entered.
 *    weft's own libc calls never reach the interceptors (own_libc.h); the
 *    libraries weft calls (libdw, capstone, stdio) do, and own_work
 *    (support/own_work.h), held around those calls, hides them.
 *  - A goroutine's detector id (tid) is its runtime id; ids start at 1 in
 *    every run, so run_start forgets every clock and all shadow memory.
 *  - cur is &goroutines[cur_tid]; cur_bits is the shadow cell of an access
 *    by it now (its tid and epoch), kept in step with its clock.
 *  - An epoch only grows: a goroutine's clock entry for itself goes up by one
 *    after every release, so an access is ordered before another goroutine
 *    exactly when that goroutine's clock has caught up with its epoch.
 */
#ifndef WEFT_DETECTOR_STATE_H
#define WEFT_DETECTOR_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler.h"
#include "shadow.h"
#include "vclock.h"

/* A shadow cell: one access to some bytes of an 8-byte word.
 * bits 0-7 which bytes, 8 write, 9 atomic, 10-31 tid, 32-63 epoch.
 * 0 is an empty cell (an access touches at least one byte). */
enum {
    CELL_WRITE = 1 << 8,
    CELL_ATOMIC = 1 << 9,
    CELL_TID_SHIFT = 10,
    CELL_EPOCH_SHIFT = 32,
    TID_MAX = (1 << 22) - 1,
};

static inline uint32_t cell_tid(uint64_t cell)
{
    return (uint32_t)(cell >> CELL_TID_SHIFT) & TID_MAX;
}

static inline uint32_t cell_epoch(uint64_t cell)
{
    return (uint32_t)(cell >> CELL_EPOCH_SHIFT);
}

static inline unsigned cell_mask(uint64_t cell)
{
    return (unsigned)cell & 0xff;
}

struct det_goroutine {
    struct vclock clock;
    /* C11 fences: the clock a release fence published for later relaxed
     * stores, and what relaxed loads saw, for a later acquire fence */
    struct vclock fence_release, fence_acquire;
    uint32_t stack;    /* depot node of its call stack now */
    uint32_t creation; /* depot node of the weft_go call that made it */
    bool exists, finished;
};

/* The depot node of the last access checked in full at pc, under stack
 * (access.c). */
struct access_site {
    uintptr_t pc;
    uint32_t stack, node;
};

enum { ACCESS_SITES = 64 };

struct detector {
    bool checking;    /* accesses are checked: started, not ignoring */
    bool initialized; /* __tsan_init ran */
    bool preempt_on_access; /* every access is a scheduling point too */
    bool preempt_calls;     /* every function entry is one (WEFT_OPTIONS) */
    bool disabled;          /* gave up (too many goroutines); says so once */
    unsigned ignore;        /* __tsan_ignore_thread_begin depth */

    /* The entry points' fast path (access.h) applies to the chunks of
     * shadow below this: all of them while checking, when accesses are
     * not scheduling points, else none (so one compare tests both, and
     * the address's range). */
    uintptr_t fast_chunks;

    uint32_t cur_tid;
    struct det_goroutine *cur;
    uint64_t cur_bits;
    uint32_t cur_stack; /* cur->stack while cur runs */
    /* by pc: a call's return address is 5 bytes or more from the next */
    struct access_site access_sites[ACCESS_SITES];

    struct det_goroutine *goroutines; /* by tid */
    size_t goroutine_capacity;
};

extern struct detector det;

/* The epoch of the current goroutine changed: refresh cur_bits. */
static inline void det_refresh_bits(void)
{
    det.cur_bits = ((uint64_t)vclock_get(&det.cur->clock, det.cur_tid)
                    << CELL_EPOCH_SHIFT) |
                   ((uint64_t)det.cur_tid << CELL_TID_SHIFT);
}

static inline void det_update_checking(void)
{
    det.checking = det.initialized && !det.disabled && det.ignore == 0;
    det.fast_chunks = det.checking && !det.preempt_on_access
                          ? SHADOW_TOP_ENTRIES
                          : 0;
}

/* The detector's memory: glibc's heap, never the schedule heap (heap.h), so
 * the program's heap addresses do not depend on the detector's work. */
void *det_alloc(size_t size);
void *det_calloc(size_t count, size_t size);
void *det_realloc(void *p, size_t size);
void det_free(void *p);
/* det_calloc and det_free, for support/hash_table.h */
extern const struct hash_allocator det_hash_allocator;

/* The goroutine with this tid, created (with an empty clock) if new. */
struct det_goroutine *det_goroutine(uint32_t tid);
/* Goroutine tid runs from now on (0: a timer firing, which knows of no
 * goroutine's past). */
void det_switch_to(uint32_t tid);

#endif
