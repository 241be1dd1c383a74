/*
 * The exit-status contract between a schedule's process and the harness:
 * every status a schedule may end with on purpose, and what it means. The
 * harness classifies a finished schedule by it (harness/verdict.c); a
 * status not listed here is a crash. 0 is a clean end (races may still
 * have been reported under an exitcode of 0, which the output tells).
 */
#ifndef WEFT_RUNTIME_EXIT_STATUS_H
#define WEFT_RUNTIME_EXIT_STATUS_H

enum weft_exit_status {
    /* a panic or a fatal error, deadlocks included (Go's status) */
    WEFT_EXIT_PANIC = 2,
    /* a weft_assert failed (harness/assert.c) */
    WEFT_EXIT_ASSERT = 3,
    /* the schedule exceeded its step limit (the harness's strategy) */
    WEFT_EXIT_HANG = 4,
    /* goroutines were still blocked when the test returned */
    WEFT_EXIT_LEAK = 5,
    /* dfs only: every enabled transition was asleep, so the run repeats
     * one already explored and ends early (the harness's dfs strategy;
     * listed here so that no other status takes the number) */
    WEFT_EXIT_PRUNED = 6,
    /* a fatal signal or a stack overflow */
    WEFT_EXIT_CRASH = 7,
    /* a potential deadlock (a lock-order cycle) was reported */
    WEFT_EXIT_LOCK_ORDER = 8,
    /* the detector reported races (TSan's default; WEFT_OPTIONS exitcode) */
    WEFT_EXIT_RACE = 66,
};

#endif
