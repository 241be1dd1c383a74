/*
 * The seam from the harness into the runtime, beyond the strategy
 * interface of weft.h: the settings of the runs a schedule's process makes,
 * handed over in one call, and what a test runner needs at the end of a
 * schedule. How a schedule's process exits is in exit_status.h.
 */
#ifndef WEFT_RUNTIME_HARNESS_HOOKS_H
#define WEFT_RUNTIME_HARNESS_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What the harness sets for the runs that follow (weft_run reads them when
 * it starts a run). A zero field is the runtime's default. */
struct runtime_run_settings {
    /* Report potential deadlocks (lockorder.c): true turns the lock-order
     * graph on, false off; WEFT_OPTIONS detect_deadlocks=0 still turns it
     * off (the harness turning it off, to minimise another verdict, wins
     * over detect_deadlocks=1). Without any settings applied, only
     * detect_deadlocks turns it on. */
    bool lock_order;
    /* Steers toward the deadlock of this lock-order cycle (count locks, in
     * cycle order; copied): a goroutine about to take locks[i+1]
     * (cyclically) while holding locks[i] is offered to the strategy with
     * weft_option.inverted_lock set. */
    const void *const *lock_target;
    size_t lock_target_length;
    /* weft_go keeps the full stack of its call, so a leak report shows
     * where each goroutine was created. Costly (an unwind per weft_go):
     * for the runs whose report is shown. */
    bool creation_stacks;
    /* Under virtual time, when nothing can happen but I/O from outside the
     * program (no goroutine runnable, nothing ready, no timer), how long to
     * wait for it before reporting a deadlock; 0, the default, waits as
     * long as it takes. The harness gives a schedule a short grace: a
     * test's peers are its own goroutines, so silence there is a deadlock. */
    int64_t io_grace_ns;
};

/* Applies settings to the runs started from now on (run_settings.c). */
void runtime_apply_run_settings(const struct runtime_run_settings *settings);

/* Called by the main goroutine when a test returns: lets the others run
 * (and sleepers wake) until none can make progress, then prints every
 * goroutine still blocked, as a deadlock report does, and returns how many
 * there were. */
size_t runtime_report_leaks(FILE *out);

/* Potential deadlocks reported in this run (lockorder.c). */
size_t runtime_lock_cycles_reported(void);
/* The locks of the first cycle reported, in cycle order (each is taken
 * while the one before it is held); returns how many (at most max). */
size_t runtime_lock_cycle(const void **locks, size_t max);

/* Prints the running goroutine as "goroutine N [running]:" and its stack. */
void runtime_print_current_goroutine(FILE *out);

#endif
