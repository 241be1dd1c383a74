/*
 * Sync objects: a vector clock per address (a mutex, a channel slot, an
 * atomic variable), and the happens-before edges through them.
 */
#ifndef WEFT_DETECTOR_SYNC_H
#define WEFT_DETECTOR_SYNC_H

#include <stdint.h>

#include "vclock.h"

/* The clock of the sync object at addr, made empty if new. */
struct vclock *sync_clock(uintptr_t addr);
/* The clock at addr, or NULL if none was ever made. */
struct vclock *sync_find(uintptr_t addr);
void sync_forget(uintptr_t addr);
void sync_forget_all(void);

/* The current goroutine acquires / releases through a clock. */
void sync_acquire_clock(const struct vclock *clock);
void sync_release_clock(struct vclock *clock);
void sync_release_store_clock(struct vclock *clock);
/* sync_acquire_clock, then sync_release_clock, in one pass. */
void sync_acquire_release_clock(struct vclock *clock);
/* Ends the current epoch: what follows is not covered by a release. */
void sync_tick(void);

#endif
