/*
 * C11 atomics on the detector's clocks.
 *
 * Every atomic location has a sync clock (sync.c) holding what a load of
 * its current value may acquire: the release sequence headed by the last
 * store. So:
 *  - a release (or stronger) store sets it to the storer's clock; a relaxed
 *    store to the clock of the storer's last release fence (empty without
 *    one): a plain store ends every earlier release sequence;
 *  - an RMW continues the sequence: a release RMW joins its clock in, a
 *    relaxed one adds only its last release fence;
 *  - an acquire (or stronger) load or RMW joins it into the goroutine's
 *    clock; a relaxed one keeps it for a later acquire fence.
 * seq_cst is treated as acq_rel: it orders at least that much (the single
 * total order adds no happens-before edge the detector could use).
 * The access itself is checked as an atomic one first, so an atomic never
 * races with an atomic, and races with a plain access.
 */
#include "atomic.h"

#include "access.h"
#include "sync.h"

static bool acquires(int order)
{
    return order == MO_CONSUME || order == MO_ACQUIRE || order == MO_ACQ_REL ||
           order == MO_SEQ_CST;
}

static bool releases(int order)
{
    return order == MO_RELEASE || order == MO_ACQ_REL || order == MO_SEQ_CST;
}

static void take(const struct vclock *clock, int order)
{
    if (acquires(order))
        sync_acquire_clock(clock);
    else
        vclock_join(&det.cur->fence_acquire, clock);
}

void atomic_load_done(uintptr_t addr, unsigned size, int order, uintptr_t pc)
{
    if (!det.checking)
        return;
    access_check(addr, size, CELL_ATOMIC, pc);
    struct vclock *clock = sync_find(addr);
    if (!clock)
        return;
    take(clock, order & 0xff);
}

void atomic_store_done(uintptr_t addr, unsigned size, int order, uintptr_t pc)
{
    if (!det.checking)
        return;
    access_check(addr, size, CELL_ATOMIC | CELL_WRITE, pc);
    struct vclock *clock = sync_clock(addr);
    if (releases(order & 0xff))
        sync_release_store_clock(clock);
    else
        vclock_copy(clock, &det.cur->fence_release);
}

void atomic_rmw_done(uintptr_t addr, unsigned size, int order, uintptr_t pc)
{
    if (!det.checking)
        return;
    order &= 0xff;
    access_check(addr, size, CELL_ATOMIC | CELL_WRITE, pc);
    struct vclock *clock = sync_clock(addr);
    take(clock, order);
    if (releases(order))
        sync_release_clock(clock);
    else
        vclock_join(clock, &det.cur->fence_release);
}

void atomic_fence(int order)
{
    if (!det.checking)
        return;
    order &= 0xff;
    if (acquires(order))
        sync_acquire_clock(&det.cur->fence_acquire);
    if (releases(order)) {
        vclock_copy(&det.cur->fence_release, &det.cur->clock);
        sync_tick();
    }
}
