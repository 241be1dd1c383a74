/*
 * The detector's goroutines: a clock and a stack each, by tid (state.h).
 *
 * Invariant: det.cur is &det.goroutines[det.cur_tid] at every return, the
 * table having moved or not.
 */
#include <string.h>

#include "state.h"

struct det_goroutine *det_goroutine(uint32_t tid)
{
    if (tid >= det.goroutine_capacity) {
        size_t capacity = det.goroutine_capacity ? det.goroutine_capacity : 64;
        while (capacity <= tid)
            capacity *= 2;
        uint32_t cur_tid = det.cur_tid;
        det.goroutines =
            det_realloc(det.goroutines, capacity * sizeof *det.goroutines);
        memset(det.goroutines + det.goroutine_capacity, 0,
               (capacity - det.goroutine_capacity) * sizeof *det.goroutines);
        det.goroutine_capacity = capacity;
        det.cur = &det.goroutines[cur_tid];
    }
    struct det_goroutine *g = &det.goroutines[tid];
    if (!g->exists) {
        g->exists = true;
        vclock_set(&g->clock, tid, 1);
    }
    return g;
}

void det_switch_to(uint32_t tid)
{
    det.cur->stack = det.cur_stack;
    det.cur_tid = tid;
    /* a goroutine that exists already, most often: no call */
    if (likely(tid < det.goroutine_capacity && det.goroutines[tid].exists))
        det.cur = &det.goroutines[tid];
    else
        det.cur = det_goroutine(tid);
    if (tid == 0) /* a timer firing: it knows of no goroutine's past */
        vclock_clear(&det.cur->clock);
    det.cur_stack = det.cur->stack;
    det_refresh_bits();
}
