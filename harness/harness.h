/*
 * The harness's internal interfaces: the test registry, schedule strings,
 * the strategies a schedule runs under, and running one schedule.
 */
#ifndef WEFT_HARNESS_H
#define WEFT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "weft.h"

/* ---- registry.c ---- */

struct registered_test {
    const char *name;
    void (*body)(void);
    const char *file;
    int line;
};

/* Tests sorted by name, so listings and runs do not depend on link order. */
size_t tests_count(void);
const struct registered_test *test_at(size_t index);
const struct registered_test *test_find(const char *name);

/* ---- schedule.c: decisions and their text form ---- */

/* One decision: the index chosen among count options; preemptible when
 * option 0 was the running goroutine going on (any other is a
 * preemption). */
struct decision {
    uint32_t index;
    uint32_t count;
    bool preemptible;
    bool goroutine;          /* a choice of goroutine (not a case, a timer) */
    uint64_t chosen_id;      /* the option's id: the goroutine that ran */
    uint64_t current_id;     /* where it was made: the current goroutine */
    uint64_t current_points; /* and how far that one had run */
    uint64_t first_option;   /* its options in the log's option arena, or
                                NO_OPTIONS when the arena was full */
};
#define NO_OPTIONS UINT64_MAX

/* "v1:" then dot-separated decisions, a run of n equal ones as "i*n":
 * v1:0*12.2.0*5.1. Returns false if it does not fit in size. */
bool schedule_encode(const struct decision *decisions, size_t count, char *out,
                     size_t size);
/* Parses a schedule string into indices (counts are left 0). Returns the
 * number of decisions, or -1 with *error set to the reason. */
long schedule_decode(const char *text, struct decision *out, size_t max,
                     const char **error);

/* ---- strategies.c ---- */

/* confirm: random, but a goroutine about to close the targeted lock-order
 * cycle runs only when nothing else can (confirm.c); not for users, who
 * replay its schedules by their decisions. */
enum strategy_kind {
    STRATEGY_RANDOM,
    STRATEGY_PCT,
    STRATEGY_DFS,
    STRATEGY_CONFIRM,
};

struct strategy_spec {
    enum strategy_kind kind;
    unsigned depth; /* pct: bug depth d; dfs: preemption bound */
    uint64_t steps; /* pct: the step count k its change points span */
    bool full;      /* dfs: without the sleep-set reduction */
};

/* Parses "random", "pct", "pct:D", "pct:D:K", "dfs", "dfs:B",
 * "dfs:B:full" (no reduction: for measuring the reduction). */
bool strategy_spec_parse(const char *text, struct strategy_spec *out);
/* "random", "pct:3:200", "dfs:2": parses back to the same spec. */
void strategy_spec_format(const struct strategy_spec *spec, char *out,
                          size_t size);

enum { LOCK_CYCLE_MAX = 16 };

/* Where a schedule's decisions are recorded: shared with the parent so it
 * can read them even when the child crashed. */
struct decision_log {
    uint64_t count; /* decisions made */
    uint64_t steps; /* scheduling points passed */
    uint64_t preemptions;
    uint64_t capacity;
    uint64_t option_count; /* options recorded (dfs needs them) */
    uint64_t option_capacity;
    struct weft_option *options;
    /* the locks of the first potential deadlock reported, in cycle order:
     * addresses, the same in every copy of the process */
    uint64_t lock_cycle_length;
    const void *lock_cycle[LOCK_CYCLE_MAX];
    struct decision decisions[];
};

struct decision_log *decision_log_create(size_t capacity);

/* dfs's partial-order reduction: two transitions (a goroutine's next
 * operation) commute unless they belong to one goroutine or touch one
 * object; operations on no object that change nothing another goroutine
 * sees (start, exit, yield, go) commute with all, the others (sleep, timers,
 * a select over several channels) with none. */
bool transitions_dependent(const struct weft_option *a,
                           const struct weft_option *b);

/* The strategy a schedule runs under: spec + seed, or forced decisions
 * (a replayed schedule string, a dfs prefix) followed by the spec's own
 * choices; every decision is recorded into log. */
struct schedule_strategy {
    struct weft_strategy base;
    struct strategy_spec spec;
    uint64_t rng[4];
    const struct decision *forced;
    size_t forced_count;
    /* forced decisions apply where they were made (the current goroutine
     * and how far it had run), not by position: minimising edits schedules */
    bool forced_by_key;
    /* with forced_by_key: goroutines not to run where another can, without
     * a preemption (minimising tries to leave one for after the failure) */
    const uint64_t *postponed;
    size_t postponed_count;
    struct decision_log *log;
    uint64_t max_steps;
    /* dfs: transitions asleep where the forced prefix ends */
    struct weft_option *sleep;
    size_t sleep_count;
    /* pct */
    uint64_t change_points[8];
    unsigned change_count;
    uint64_t *priority_ids;
    uint64_t *priorities;
    size_t priority_count, priority_capacity;
};

void schedule_strategy_init(struct schedule_strategy *s,
                            const struct strategy_spec *spec, uint64_t seed,
                            struct decision_log *log, uint64_t max_steps);

/* ---- run.c: one schedule in a child process ---- */

struct schedule_result {
    enum weft_verdict_kind kind;
    bool pruned;  /* dfs: every enabled transition was asleep */
    char *output; /* what the schedule printed, malloc'ed */
    size_t output_length;
};

struct schedule_request {
    void (*body)(void);
    const char *program; /* for replay commands in reports */
    const char *test_name;
    struct strategy_spec spec;
    uint64_t seed;
    const struct decision *forced;
    size_t forced_count;
    bool forced_by_key;
    /* with forced_by_key: goroutines not to run where another can, without
     * a preemption (minimising tries to leave one for after the failure) */
    const uint64_t *postponed;
    size_t postponed_count;
    int trace_fd; /* > 0: write a located trace of the points here */
    const struct weft_option *sleep; /* dfs: asleep after the prefix */
    size_t sleep_count;
    uint64_t max_steps;
    int64_t timeout_ns;
    bool preempt_on_access;
    bool lock_order; /* report lock-order cycles (potential deadlocks) */
    /* confirm: the lock-order cycle to turn into a deadlock */
    const void *const *lock_target;
    size_t lock_target_length;
    /* Record the stack of every weft_go call, for the leak report: only in
     * runs whose report is shown (an unwind in a freshly forked process
     * costs tens of microseconds). */
    bool creation_stacks;
    struct decision_log *log;
};

void schedule_run(const struct schedule_request *request,
                  struct schedule_result *result);

/* ---- confirm.c ---- */

/* After a potential deadlock (the cycle in log, from request's run): runs
 * schedules that hold each goroutine just before its inverted acquisition
 * until the others reach theirs. Prints "confirmed: ..." with the
 * deadlocking schedule (and its report, replay command and minimised
 * steps), or "not reached in N schedules"; a confirmed cycle turns verdict
 * into that deadlock. */
void confirm_lock_cycle(const struct weft_explore_options *o,
                        const struct schedule_request *request,
                        struct decision_log *log, struct weft_verdict *verdict);

/* ---- minimise.c ---- */

/* Shrinks the failing schedule in log (run from request) to the fewest
 * preemptions that still give the same verdict, prints it as a list of
 * steps with source locations, and leaves the minimised run's decisions
 * in log. */
void minimise_and_explain(FILE *out, const struct schedule_request *request,
                          enum weft_verdict_kind kind, struct decision_log *log,
                          const char *trace_path);

/* ---- trace_export.c ---- */

/* Writes a located trace (lines "STEP gN op [kind#id] [@ file:line]") as
 * Chrome trace-event JSON: a track per goroutine, a slice per operation,
 * an arrow from each operation on an object to the next one on it by
 * another goroutine. Returns false if the file cannot be written. */
bool trace_export_chrome(const char *path, const char *trace);

/* ---- verdict.c ---- */

/* Classifies a finished child from its wait status and output. */
enum weft_verdict_kind verdict_classify(int wait_status, const char *output);

#endif
