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
 * program's call of pthread_create, which reports name). */
uint64_t posix_go(weft_fn fn, void *arg, uintptr_t created_pc);

/* The running goroutine's slot for the posix layer (its thread): NULL
 * until set, and for a goroutine not started by pthread_create. */
void **goroutine_posix_slot(void);

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
