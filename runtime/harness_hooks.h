/*
 * The seam from the harness into the runtime, beyond the strategy
 * interface of weft.h: what a test runner needs at the end of a schedule.
 */
#ifndef WEFT_RUNTIME_HARNESS_HOOKS_H
#define WEFT_RUNTIME_HARNESS_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses that tell the harness how a schedule ended. */
enum weft_exit_status {
    WEFT_EXIT_PANIC = 2,      /* a panic or a fatal error (Go's status) */
    WEFT_EXIT_ASSERT = 3,     /* a weft_assert failed */
    WEFT_EXIT_HANG = 4,       /* the step limit was exceeded */
    WEFT_EXIT_LEAK = 5,       /* goroutines blocked when the test returned */
    WEFT_EXIT_CRASH = 7,      /* a fatal signal or a stack overflow */
    WEFT_EXIT_LOCK_ORDER = 8, /* a potential deadlock was reported */
    WEFT_EXIT_RACE = 66,      /* the detector reported races (TSan's) */
};

/* Called by the main goroutine when a test returns: lets the others run
 * (and sleepers wake) until none can make progress, then prints every
 * goroutine still blocked, as a deadlock report does, and returns how many
 * there were. */
size_t runtime_report_leaks(FILE *out);

/* Potential deadlocks (lockorder.c). The harness turns the lock-order
 * graph on for the runs that follow (WEFT_OPTIONS detect_deadlocks=0|1
 * overrides it). */
void runtime_lock_order_enable(bool on);
/* Cycles reported in this run. */
size_t runtime_lock_cycles_reported(void);
/* The locks of the first cycle reported, in cycle order (each is taken
 * while the one before it is held); returns how many (at most max). */
size_t runtime_lock_cycle(const void **locks, size_t max);
/* Steers toward that deadlock: from the next run on, a goroutine about to
 * take locks[i+1] (cyclically) while holding locks[i] is offered to the
 * strategy with weft_option.inverted_lock set. */
void runtime_target_lock_cycle(const void *const *locks, size_t count);
/* From now on, weft_go keeps the full stack of its call, so a leak report
 * shows where each goroutine was created. Costly (an unwind per weft_go):
 * for the runs whose report is shown. */
void runtime_record_creation_stacks(void);

/* Under virtual time, when nothing can happen but I/O from outside the
 * program (no goroutine runnable, nothing ready, no timer), how long to
 * wait for it before reporting a deadlock; -1, the default, waits as long
 * as it takes. The harness gives a schedule a short grace: a test's peers
 * are its own goroutines, so silence there is a deadlock. */
void runtime_set_io_grace(int64_t grace_ns);

/* Prints the running goroutine as "goroutine N [running]:" and its stack. */
void runtime_print_current_goroutine(FILE *out);

#endif
