/*
 * What the runtime tells the detector (runtime/sync_events.h), as the
 * detector's own functions (events.h); the adapter (runtime_link.c) hands
 * them to the runtime. Each concerns the goroutine most recently switched
 * to.
 */
#include "events.h"

#include <stdio.h>

#include "depot.h"
#include "shadow.h"
#include "state.h"
#include "sync.h"

void detector_on_run_start(void)
{
    uint32_t stack = det.cur_stack; /* the thread goes on as goroutine 1 */
    for (size_t i = 0; i < det.goroutine_capacity; i++) {
        struct det_goroutine *g = &det.goroutines[i];
        vclock_free(&g->clock);
        vclock_free(&g->fence_release);
        vclock_free(&g->fence_acquire);
        *g = (struct det_goroutine){0};
    }
    sync_forget_all();
    shadow_clear_all();
    det.cur = det_goroutine(1);
    det.cur_tid = 1;
    det.cur_stack = det.cur->stack = stack;
    det_refresh_bits();
}

void detector_on_goroutine_start(uint64_t parent, uint64_t child,
                                 uintptr_t creation_pc)
{
    if (child > TID_MAX) {
        if (!det.disabled)
            fprintf(stderr,
                    "weft: race detector: more than %d goroutines in "
                    "one run; no more races are checked\n",
                    TID_MAX);
        det.disabled = true;
        det_update_checking();
        return;
    }
    (void)parent; /* the current goroutine: events concern it */
    struct det_goroutine *g = det_goroutine((uint32_t)child);
    vclock_copy(&g->clock, &det.cur->clock);
    vclock_set(&g->clock, (uint32_t)child, 1);
    g->creation = depot_child(det.cur_stack, creation_pc);
    g->stack = 0;
    sync_tick();
}

void detector_on_goroutine_end(uint64_t id)
{
    if (id >= det.goroutine_capacity)
        return;
    struct det_goroutine *g = &det.goroutines[id];
    g->finished = true;
    /* its clock is still read while it runs its last steps; the fence
     * clocks are not */
    vclock_free(&g->fence_release);
    vclock_free(&g->fence_acquire);
}

void detector_on_goroutine_switch(uint64_t id)
{
    if (id > TID_MAX)
        return;
    det_switch_to((uint32_t)id);
}

void detector_on_acquire(const void *object)
{
    struct vclock *clock = sync_find((uintptr_t)object);
    if (clock)
        sync_acquire_clock(clock);
}

void detector_on_release(const void *object)
{
    sync_release_clock(sync_clock((uintptr_t)object));
}

void detector_on_acquire_release(const void *object)
{
    sync_acquire_release_clock(sync_clock((uintptr_t)object));
}

void detector_on_release_store(const void *object)
{
    sync_release_store_clock(sync_clock((uintptr_t)object));
}

void detector_on_release_acquire_parked(uint64_t id, const void *object)
{
    if (id > TID_MAX)
        return;
    struct vclock *clock = sync_clock((uintptr_t)object);
    struct det_goroutine *g = det_goroutine((uint32_t)id);
    uint32_t tid = (uint32_t)id;
    /* g's clock into sync's, then sync's into g's: both become the join
     * (whose entry for g is g's own: no clock is ahead of g about g) */
    vclock_join_both(clock, &g->clock);
    /* a new epoch for g: what it does after waking is not released here */
    vclock_set(&g->clock, tid, vclock_get(&g->clock, tid) + 1);
}

void detector_on_sync_free(const void *object)
{
    sync_forget((uintptr_t)object);
}

void detector_on_memory_fresh(const void *addr, size_t size)
{
    shadow_clear((uintptr_t)addr, size);
}
