/*
 * Sync-object clocks by address, and the happens-before edges through them.
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

#include "state.h"

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
