/*
 * The runtime's events, as the detector receives them: one function per
 * member of the runtime's struct sync_events, with the same meaning (the
 * happens-before edges of DESIGN.md). The detector does not know the
 * runtime; the adapter (runtime_link.c) installs these there.
 */
#ifndef WEFT_DETECTOR_EVENTS_H
#define WEFT_DETECTOR_EVENTS_H

#include <stddef.h>
#include <stdint.h>

/* A fresh runtime: every clock and all shadow memory are forgotten. */
void detector_on_run_start(void);
/* parent's past HB child's start; creation_pc is where it was made */
void detector_on_goroutine_start(uint64_t parent, uint64_t child,
                                 uintptr_t creation_pc);
void detector_on_goroutine_end(uint64_t g);
void detector_on_goroutine_switch(uint64_t g);
/* the current goroutine's clock joins sync's clock */
void detector_on_acquire(const void *sync);
/* sync's clock joins the current goroutine's clock */
void detector_on_release(const void *sync);
/* detector_on_acquire, then detector_on_release, in one step */
void detector_on_acquire_release(const void *sync);
/* sync's clock becomes the current goroutine's clock */
void detector_on_release_store(const void *sync);
/* parked goroutine g releases into sync, then acquires it */
void detector_on_release_acquire_parked(uint64_t g, const void *sync);
void detector_on_sync_free(const void *sync);
/* [addr, addr + size) has a new owner: forget who accessed it before */
void detector_on_memory_fresh(const void *addr, size_t size);

#endif
