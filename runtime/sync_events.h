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

#include <stdint.h>

struct sync_events {
    /* parent started child: everything parent did so far HB child's start */
    void (*goroutine_start)(uint64_t parent, uint64_t child);
    /* goroutine g has ended (orders nothing by itself) */
    void (*goroutine_end)(uint64_t g);
    /* goroutine g runs from now on */
    void (*goroutine_switch)(uint64_t g);
    /* the current goroutine's clock joins sync's clock */
    void (*acquire)(const void *sync);
    /* sync's clock joins the current goroutine's clock */
    void (*release)(const void *sync);
    /* sync's clock becomes the current goroutine's clock */
    void (*release_store)(const void *sync);
    /* the memory of a sync object is gone: forget its clock */
    void (*sync_free)(const void *sync);
};

/* Installs (or, with NULL, removes) the detector. */
void runtime_set_sync_events(const struct sync_events *events);

#endif
