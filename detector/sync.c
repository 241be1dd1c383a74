/*
 * Sync-object clocks by address, and the runtime's events.
 *
 * Invariants:
 *  - The table is open addressing with linear probing, at most half full;
 *    forgetting shifts later entries back, so no tombstones. It is only
 *    looked up by address, never iterated for a decision.
 *  - release: the object's clock joins the goroutine's, then the goroutine
 *    moves to a new epoch, so its later accesses are not covered by what it
 *    released. release_store: the object's clock becomes the goroutine's.
 */
#include "sync.h"

#include <string.h>

#include "depot.h"
#include "shadow.h"
#include "state.h"
#include "sync_events.h"

struct sync_entry {
    uintptr_t addr; /* 0: empty */
    struct vclock clock;
};

static struct sync_entry *table;
static size_t mask, used;

static size_t hash(uintptr_t addr)
{
    return (size_t)(((uint64_t)addr * 0x9E3779B97F4A7C15ull) >> 24);
}

static void table_grow(void)
{
    size_t old_size = table ? mask + 1 : 0;
    struct sync_entry *old = table;
    size_t size = old_size ? old_size * 2 : 1024;
    table = det_calloc(size, sizeof *table);
    mask = size - 1;
    for (size_t i = 0; i < old_size; i++) {
        if (!old[i].addr)
            continue;
        size_t j = hash(old[i].addr) & mask;
        while (table[j].addr)
            j = (j + 1) & mask;
        table[j] = old[i];
    }
    det_free(old);
}

struct vclock *sync_find(uintptr_t addr)
{
    if (!table)
        return NULL;
    for (size_t i = hash(addr) & mask; table[i].addr; i = (i + 1) & mask)
        if (table[i].addr == addr)
            return &table[i].clock;
    return NULL;
}

struct vclock *sync_clock(uintptr_t addr)
{
    struct vclock *found = sync_find(addr);
    if (found)
        return found;
    if (!table || (used + 1) * 2 > mask + 1)
        table_grow();
    size_t i = hash(addr) & mask;
    while (table[i].addr)
        i = (i + 1) & mask;
    table[i] = (struct sync_entry){.addr = addr};
    used++;
    return &table[i].clock;
}

void sync_forget(uintptr_t addr)
{
    if (!table)
        return;
    size_t i = hash(addr) & mask;
    while (table[i].addr && table[i].addr != addr)
        i = (i + 1) & mask;
    if (!table[i].addr)
        return;
    vclock_free(&table[i].clock);
    table[i].addr = 0;
    used--;
    /* shift back the entries that probed past the hole */
    for (size_t j = (i + 1) & mask; table[j].addr; j = (j + 1) & mask) {
        size_t home = hash(table[j].addr) & mask;
        bool movable =
            i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            table[i] = table[j];
            table[j].addr = 0;
            table[j].clock = (struct vclock){0};
            i = j;
        }
    }
}

void sync_forget_all(void)
{
    if (!table)
        return;
    for (size_t i = 0; i <= mask; i++) {
        if (table[i].addr)
            vclock_free(&table[i].clock);
        table[i].addr = 0;
    }
    used = 0;
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
    (void)parent; /* the current goroutine: events concern it */
    struct det_goroutine *g = det_goroutine((uint32_t)child);
    vclock_copy(&g->clock, &det.cur->clock);
    vclock_set(&g->clock, (uint32_t)child, 1);
    g->creation = depot_child(det.cur_stack, creation_pc);
    g->stack = 0;
    sync_tick();
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
    switch_to((uint32_t)id);
}

static void on_acquire(const void *object)
{
    struct vclock *clock = sync_find((uintptr_t)object);
    if (clock)
        sync_acquire_clock(clock);
}

static void on_release(const void *object)
{
    sync_release_clock(sync_clock((uintptr_t)object));
}

static void on_release_store(const void *object)
{
    sync_release_store_clock(sync_clock((uintptr_t)object));
}

static void on_sync_free(const void *object)
{
    sync_forget((uintptr_t)object);
}

static void on_memory_fresh(const void *addr, size_t size)
{
    shadow_clear((uintptr_t)addr, size);
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
    .ignore_begin = __tsan_ignore_thread_begin,
    .ignore_end = __tsan_ignore_thread_end,
};

void sync_install_events(void)
{
    runtime_set_sync_events(&events);
}
