/*
 * Sync-object clocks by address, and the runtime's events.
 *
 * Invariants:
 *  - The clocks are in a hash table by address (support/hash_table.h),
 *    only looked up by address, never iterated for a decision.
 *  - release: the object's clock joins the goroutine's, then the goroutine
 *    moves to a new epoch, so its later accesses are not covered by what it
 *    released. release_store: the object's clock becomes the goroutine's.
 */
#include "sync.h"

#include "depot.h"
#include "hash_table.h"
#include "shadow.h"
#include "state.h"
#include "sync_events.h"

struct sync_entry {
    uint64_t addr; /* 0: empty */
    struct vclock clock;
};

static struct hash_table table =
    HASH_TABLE(struct sync_entry, 1024, NULL, &det_hash_allocator);

struct vclock *sync_find(uintptr_t addr)
{
    struct sync_entry *e = hash_table_find(&table, addr);
    return e ? &e->clock : NULL;
}

struct vclock *sync_clock(uintptr_t addr)
{
    struct sync_entry *e = hash_table_find(&table, addr);
    if (!e)
        e = hash_table_add(&table, addr);
    return &e->clock;
}

void sync_forget(uintptr_t addr)
{
    struct sync_entry *e = hash_table_find(&table, addr);
    if (!e)
        return;
    vclock_free(&e->clock);
    hash_table_remove(&table, e);
}

static void forget_clock(void *slot)
{
    vclock_free(&((struct sync_entry *)slot)->clock);
}

void sync_forget_all(void)
{
    hash_table_clear(&table, forget_clock);
}

void sync_tick(void)
{
    struct vclock *clock = &det.cur->clock;
    if (likely(det.cur_tid < clock->size)) {
        /* the epoch is the top of cur_bits */
        clock->time[det.cur_tid]++;
        det.cur_bits += (uint64_t)1 << CELL_EPOCH_SHIFT;
        return;
    }
    vclock_set(clock, det.cur_tid, vclock_get(clock, det.cur_tid) + 1);
    det_refresh_bits();
}

void sync_acquire_clock(const struct vclock *clock)
{
    vclock_join(&det.cur->clock, clock);
}

void sync_release_clock(struct vclock *clock)
{
    vclock_join(clock, &det.cur->clock);
    sync_tick();
}

void sync_release_store_clock(struct vclock *clock)
{
    vclock_copy(clock, &det.cur->clock);
    sync_tick();
}

/* ---- goroutines ---- */

struct det_goroutine *det_goroutine(uint32_t tid)
{
    if (tid >= det.goroutine_capacity) {
        size_t capacity = det.goroutine_capacity ? det.goroutine_capacity : 64;
        while (capacity <= tid)
            capacity *= 2;
        uint32_t cur_tid = det.cur_tid;
        det.goroutines =
            det_realloc(det.goroutines, capacity * sizeof *det.goroutines);
        det_zero(det.goroutines + det.goroutine_capacity,
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

static void switch_to(uint32_t tid)
{
    det.cur->stack = det.cur_stack;
    det.cur_tid = tid;
    det.cur = det_goroutine(tid);
    if (tid == 0) /* a timer firing: it knows of no goroutine's past */
        vclock_clear(&det.cur->clock);
    det.cur_stack = det.cur->stack;
    det_refresh_bits();
}

/* ---- events ---- */

static void on_run_start(void)
{
    det.busy++;
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
    det.busy--;
}

static void on_goroutine_start(uint64_t parent, uint64_t child,
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
    det.busy++;
    (void)parent; /* the current goroutine: events concern it */
    struct det_goroutine *g = det_goroutine((uint32_t)child);
    vclock_copy(&g->clock, &det.cur->clock);
    vclock_set(&g->clock, (uint32_t)child, 1);
    g->creation = depot_child(det.cur_stack, creation_pc);
    g->stack = 0;
    sync_tick();
    det.busy--;
}

static void on_goroutine_end(uint64_t id)
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

static void on_goroutine_switch(uint64_t id)
{
    if (id > TID_MAX)
        return;
    det.busy++;
    switch_to((uint32_t)id);
    det.busy--;
}

static void on_acquire(const void *object)
{
    struct vclock *clock = sync_find((uintptr_t)object);
    if (clock) {
        det.busy++;
        sync_acquire_clock(clock);
        det.busy--;
    }
}

static void on_release(const void *object)
{
    det.busy++;
    sync_release_clock(sync_clock((uintptr_t)object));
    det.busy--;
}

static void on_release_store(const void *object)
{
    det.busy++;
    sync_release_store_clock(sync_clock((uintptr_t)object));
    det.busy--;
}

static void on_sync_free(const void *object)
{
    det.busy++;
    sync_forget((uintptr_t)object);
    det.busy--;
}

static void on_memory_fresh(const void *addr, size_t size)
{
    det.busy++;
    shadow_clear((uintptr_t)addr, size);
    det.busy--;
}

void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);

static const struct sync_events events = {
    .run_start = on_run_start,
    .goroutine_start = on_goroutine_start,
    .goroutine_end = on_goroutine_end,
    .goroutine_switch = on_goroutine_switch,
    .acquire = on_acquire,
    .release = on_release,
    .release_store = on_release_store,
    .sync_free = on_sync_free,
    .memory_fresh = on_memory_fresh,
    .copy_unchecked = det_copy,
    .zero_unchecked = det_zero,
    .ignore_begin = __tsan_ignore_thread_begin,
    .ignore_end = __tsan_ignore_thread_end,
};

void sync_install_events(void)
{
    runtime_set_sync_events(&events);
}
