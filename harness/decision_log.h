/*
 * Decisions and the log they are recorded in (decision_log.c): the log is
 * shared with the parent, so it can read a schedule's decisions even when
 * the child crashed.
 */
#ifndef WEFT_HARNESS_DECISION_LOG_H
#define WEFT_HARNESS_DECISION_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft.h"

/* One decision: the index chosen among count options; preemptible when
 * option 0 was the running goroutine going on (any other is a
 * preemption). */
struct decision {
    uint32_t index;
    uint32_t count;
    bool preemptible;
    bool goroutine;          /* a choice of goroutine (not a case, a timer) */
    uint64_t chosen_id;      /* the option's id: the goroutine that ran */
    uint64_t continue_id;    /* option 0's id: going on, or the longest
                                runnable */
    uint64_t current_id;     /* where it was made: the current goroutine */
    uint64_t current_points; /* and how far that one had run */
    uint64_t first_option;   /* its options in the log's option arena, or
                                NO_OPTIONS: not recorded (only dfs's are),
                                or the arena was full */
};
#define NO_OPTIONS UINT64_MAX

enum { LOCK_CYCLE_MAX = 16 };

/* Where a schedule's decisions are recorded: shared with the parent so it
 * can read them even when the child crashed. */
struct decision_log {
    uint64_t count; /* decisions made */
    uint64_t steps; /* scheduling points passed */
    uint64_t preemptions;
    uint64_t capacity;
    uint64_t option_count; /* options recorded (dfs's only: it needs them) */
    uint64_t option_capacity;
    struct weft_option *options;
    /* the locks of the first potential deadlock reported, in cycle order:
     * addresses, the same in every copy of the process */
    uint64_t lock_cycle_length;
    const void *lock_cycle[LOCK_CYCLE_MAX];
    /* the test body returned: a schedule that ends with status 0 without
     * it exited midway and did not finish its test */
    uint64_t body_returned;
    struct decision decisions[];
};

/* A log shared with the schedules forked after it; a map that fails (say
 * under ulimit -v) ends the run with a one-line error. */
struct decision_log *decision_log_create(size_t capacity);
/* Unmaps log (NULL: nothing), giving back every page a schedule wrote. */
void decision_log_free(struct decision_log *log);

#endif
