/*
 * A snapshot of this process (snapshot.c), and going back to it: what lets
 * one process run schedule after schedule, each from the same state as a
 * fresh fork, without the fork.
 *
 * What is restored is memory: every private writable mapping (the .data
 * and .bss of every loaded object, the brk heap, the main stack, TLS,
 * anonymous maps), and the signal mask. What memory cannot hold is
 * checked instead, and a process that changed it is not reset (its next
 * schedule needs a fresh fork): mappings of the snapshot gone, resized or
 * reprotected, descriptors opened or closed, threads or child processes
 * started, the working directory, signal dispositions.
 *
 * One thread, and only in a process made for this (the schedule server).
 */
#ifndef WEFT_HARNESS_SNAPSHOT_H
#define WEFT_HARNESS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

/* A region the snapshot does not copy: each restore zeroes what used()
 * says the schedule used of it, from its start (the schedule heap, mapped
 * once: fresh pages each schedule would cost a fault each). Before
 * snapshot_take. */
void snapshot_scratch(void *start, size_t size, size_t (*used)(void));

/* Memory whose owner resets it (the race detector's shadow, emptied at
 * each run's start): left out of what is copied and written back, though
 * it must stay mapped. reset runs first thing on each restore. Before
 * snapshot_take. */
void snapshot_owned(void *start, size_t size);
void snapshot_on_restore(void (*reset)(void));

/* Takes the snapshot: true where it was taken, and again each time
 * snapshot_restore comes back here (*resumed tells which); false with
 * *why set where this process cannot be snapshotted (too much memory). */
bool snapshot_take(bool *resumed, const char **why);

/* Why the process cannot go back to the snapshot (a change outside its
 * memory), or NULL when it can. */
const char *snapshot_unrestorable(void);

/* Unmaps what was mapped since, copies back every page that differs, and
 * returns from snapshot_take once more. Only after snapshot_unrestorable
 * said NULL. */
_Noreturn void snapshot_restore(void);

#endif
