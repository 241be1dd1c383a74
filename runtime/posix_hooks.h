/*
 * The runtime as the posix layer sees it (posix/): what a pthread call
 * needs beyond weft.h to become a goroutine's operation. Each is used only
 * on the thread that runs the goroutines, with the runtime initialised.
 */
#ifndef WEFT_RUNTIME_POSIX_HOOKS_H
#define WEFT_RUNTIME_POSIX_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "weft.h"

/* weft_cond_wait with a deadline on weft_now's clock (< 0: none): false
 * if the deadline passed first (the Wait then orders nothing); the lock
 * is held again either way. */
bool cond_wait_until(weft_cond *c, int64_t deadline_ns);

/* weft_go for pthread_create, the goroutine created at created_pc (the
 * program's call of pthread_create, which reports name), its posix slot
 * set to thread before it first runs. */
uint64_t posix_go(weft_fn fn, void *arg, uintptr_t created_pc, void *thread);

/* The running goroutine's slot for the posix layer (its thread): NULL
 * until set, and for a goroutine not started by pthread_create. */
void **goroutine_posix_slot(void);

/* For the rest of this run, on_switch is called at each switch between
 * goroutines, before the one switched to runs, with its posix slot's
 * value (what a thread's switch takes with it: its thread-locals). Not
 * called where no switch is: a run without a posix layer pays one test. */
typedef void goroutine_switch_fn(void *posix_slot);
void runtime_on_switch(goroutine_switch_fn *on_switch);

/* The detector forgets the accesses to [address, address + size): the
 * memory now holds other data (another thread's copy of its
 * thread-locals). */
void posix_memory_fresh(const void *address, size_t size);

/* Calls keep with each of the runtime's own thread-local variables on this
 * thread (where it lies, its size): what must not be swapped with a
 * program's thread-locals. */
void runtime_thread_locals(void (*keep)(const void *address, size_t size));

/* A scheduling point for an operation on a POSIX object that weft has no
 * object of its own for (a spin lock, pthread_once), and the detector's
 * edges on it, named by its address: release HB a later acquire. */
void posix_sync_point(enum weft_op op);
void posix_sync_acquire(const void *object);
void posix_sync_release(const void *object);

/* Whether the runtime runs goroutines on this thread, one at a time (not
 * in parallel mode): where a pthread call may become a goroutine's. */
bool runtime_runs_one_thread_here(void);

#endif
