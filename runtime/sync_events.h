/*
 * The seam from the runtime to the race detector: the happens-before edges
 * of DESIGN.md, as events on sync objects named by address.
 *
 * The runtime emits, the detector keeps the clocks; the detector never
 * schedules. Every event concerns the goroutine most recently announced by
 * goroutine_switch. With no detector installed the runtime skips them all.
 */
#ifndef WEFT_RUNTIME_SYNC_EVENTS_H
#define WEFT_RUNTIME_SYNC_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct sync_events {
    /* a fresh runtime (weft_run, or the first weft call): no goroutine of an
     * earlier run exists any more, and goroutine ids start again at 1 */
    void (*run_start)(void);
    /* parent started child at the call site creation_pc: everything parent
     * did so far HB child's start */
    void (*goroutine_start)(uint64_t parent, uint64_t child,
                            uintptr_t creation_pc);
    /* goroutine g has ended (orders nothing by itself) */
    void (*goroutine_end)(uint64_t g);
    /* goroutine g runs from now on; 0 while a timer fires (no goroutine) */
    void (*goroutine_switch)(uint64_t g);
    /* the current goroutine's clock joins sync's clock */
    void (*acquire)(const void *sync);
    /* sync's clock joins the current goroutine's clock */
    void (*release)(const void *sync);
    /* acquire, then release, through sync, as one event (a channel
     * operation meets its peer's clock and leaves its own) */
    void (*acquire_release)(const void *sync);
    /* sync's clock becomes the current goroutine's clock */
    void (*release_store)(const void *sync);
    /* g, parked, has its operation completed by the current goroutine
     * through sync (a value or a free slot handed over in a buffer): g's
     * clock, the one it parked with, joins sync's, then sync's joins g's,
     * as if g made the operation now (Go's racereleaseacquireg); so the
     * edge is in place before g runs again, whoever uses sync first */
    void (*release_acquire_parked)(uint64_t g, const void *sync);
    /* the memory of a sync object is gone: forget its clock */
    void (*sync_free)(const void *sync);
    /* [addr, addr + size) has a new owner (a reused goroutine stack): forget
     * who accessed it before */
    void (*memory_fresh)(const void *addr, size_t size);
    /* Brackets code run in a goroutine's name that is not the goroutine's
     * (a strategy's choice, which the program may write and instrument; a
     * crash report, which runs libraries that allocate): neither its
     * accesses nor its libc calls are checked. weft's own libc calls need no
     * bracket: they never reach the detector (own_libc.h). Nests; never
     * spans a goroutine switch. */
    void (*ignore_begin)(void);
    void (*ignore_end)(void);
};

/* Installs (or, with NULL, removes) the detector. */
void runtime_set_sync_events(const struct sync_events *events);

#endif
