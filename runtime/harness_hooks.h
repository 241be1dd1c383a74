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

/* Which limit a hang passed. */
enum runtime_hang { RUNTIME_HANG_STEPS, RUNTIME_HANG_TIME };

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
    /* Nobody reads this run's report, only its verdict (an exploring
     * run: a failure is run again for its report): the lock-order graph
     * keeps no stacks (an unwind per lock taken). */
    bool report_unseen;
    /* Under virtual time, when nothing can happen but I/O from outside the
     * program (no goroutine runnable, nothing ready, no timer), how long to
     * wait for it before reporting a deadlock; 0, the default, waits as
     * long as it takes. The harness gives a schedule a short grace: a
     * test's peers are its own goroutines, so silence there is a deadlock. */
    int64_t io_grace_ns;
    /* A run that goes on too long is a hang (hang.c): past max_steps
     * scheduling points (0: no limit), counted at every point, a goroutine
     * running alone included; or past time_limit_ns of wall-clock time
     * from the run's start (0: no limit), caught by a timer signal even in
     * a goroutine that makes no weft call. Either calls on_hang, which
     * reports it (runtime_print_goroutines) and ends the process; from a
     * signal handler for the time limit. */
    uint64_t max_steps;
    int64_t time_limit_ns;
    void (*on_hang)(enum runtime_hang why);
    /* Where the run's step count is kept up to date, at every point (the
     * harness's shared memory: it outlives a crash); NULL: nowhere. */
    uint64_t *step_count;
};

/* Applies settings to the runs started from now on (run_settings.c). */
void runtime_apply_run_settings(const struct runtime_run_settings *settings);

/* For a process that runs run after run from one snapshot (the harness's
 * schedule server): what the first run would set up once per process (the
 * crash handlers and their signal stack, the time limit's timer) is set up
 * now, before the snapshot, so that no run changes what memory does not
 * hold. */
void runtime_prepare_reuse(void);
/* Disarms the time limit of the run that ended (a process that goes on
 * after its run must not be interrupted by it). */
void runtime_stop_limits(void);

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

/* Prints every goroutine, as Go's test timeout does: the running one
 * first (at the time limit, its stack where the signal interrupted it),
 * then the others, each after a blank line. */
void runtime_print_goroutines(FILE *out);
/* The goroutines alive now other than the test's own (goroutine 1), in
 * creation order: their ids, at most max; returns how many there are. */
size_t runtime_other_goroutines(uint64_t *ids, size_t max);

/* Prints the running goroutine as "goroutine N [running]:" and its stack. */
void runtime_print_current_goroutine(FILE *out);

#endif
