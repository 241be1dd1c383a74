/*
 * Sync-object clocks by address, and the happens-before edges through them.
 *
 * Invariants:
 *  - The clocks are in a hash table by address (support/hash_table.h),
 *    only looked up by address, never iterated for a decision.
 *  - A line of the recent cache is NULL or a used slot of the table: it is
 *    emptied whenever slots may move.
 *  - release: the object's clock joins the goroutine's, then the goroutine
 *    moves to a new epoch, so its later accesses are not covered by what it
 *    released. release_store: the object's clock becomes the goroutine's.
 */
#include "sync.h"

#include "hash_table.h"
#include "state.h"

struct sync_entry {
    uint64_t addr; /* 0: empty */
    struct vclock clock;
};

static struct hash_table table =
    HASH_TABLE(struct sync_entry, 1024, NULL, &det_hash_allocator);

/* A direct-mapped cache of recent lookups in front of the table (a
 * channel's operations look its object up two to four times each). Slots
 * move when the table gains or loses one, so that empties it. */
enum { RECENT_LINES = 8 };
static struct sync_entry *recent[RECENT_LINES];

static inline struct sync_entry **recent_line(uintptr_t addr)
{
    return &recent[hash_u64(addr) >> 61];
}

static void recent_clear(void)
{
    for (int i = 0; i < RECENT_LINES; i++)
        recent[i] = NULL;
}

static struct sync_entry *sync_entry_find(uintptr_t addr)
{
    struct sync_entry **line = recent_line(addr);
    if (likely(*line && (*line)->addr == addr))
        return *line;
    struct sync_entry *e = hash_table_find(&table, addr);
    if (e)
        *line = e;
    return e;
}

struct vclock *sync_find(uintptr_t addr)
{
    struct sync_entry *e = sync_entry_find(addr);
    return e ? &e->clock : NULL;
}

struct vclock *sync_clock(uintptr_t addr)
{
    struct sync_entry *e = sync_entry_find(addr);
    if (!e) {
        recent_clear();
        e = hash_table_add(&table, addr);
        *recent_line(addr) = e;
    }
    return &e->clock;
}

void sync_forget(uintptr_t addr)
{
    struct sync_entry *e = sync_entry_find(addr);
    if (!e)
        return;
    vclock_free(&e->clock);
    recent_clear();
    hash_table_remove(&table, e);
}

static void forget_clock(void *slot)
{
    vclock_free(&((struct sync_entry *)slot)->clock);
}

void sync_forget_all(void)
{
    recent_clear();
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

void sync_acquire_release_clock(struct vclock *clock)
{
    /* after the acquire the goroutine's clock covers the object's, so the
     * release leaves the two equal */
    vclock_join_both(&det.cur->clock, clock);
    sync_tick();
}

void sync_release_store_clock(struct vclock *clock)
{
    vclock_copy(clock, &det.cur->clock);
    sync_tick();
}
