/*
 * One schedule: what to run (a request, built by request.c), what came of
 * it (a result), running it in a child process (run.c), and telling how a
 * finished one ended (verdict.c).
 */
#ifndef WEFT_HARNESS_RUN_H
#define WEFT_HARNESS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "decision_log.h"
#include "strategies.h"
#include "weft.h"

struct schedule_result {
    enum weft_verdict_kind kind;
    bool pruned;  /* dfs: every enabled transition was asleep */
    char *output; /* what the schedule printed, malloc'ed */
    size_t output_length;
};

struct schedule_request {
    void (*body)(void);
    const char *program; /* for replay commands in reports */
    const char *program_args; /* after their " -- ", or NULL */
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

/* ---- run.c ---- */

/* Runs one schedule of request in a fresh copy of the process, its
 * decisions into request->log; result->output is the caller's to free. */
void schedule_run(const struct schedule_request *request,
                  struct schedule_result *result);

/* What a schedule's process does (run.c): the test body under request's
 * strategy and limits, as the main goroutine, with output flushed after;
 * its verdict is in the exit status and output that follow. */
void schedule_execute(const struct schedule_request *request);

/* The program under test ends its process with status 0, from any of its
 * goroutines (a pthread program's exit(0)): the schedule ends as if the
 * test body had returned, except that nothing runs again and no goroutine
 * is a leak, as exit ends a C program's threads; a race or a lock-order
 * cycle reported so far still fails it. */
_Noreturn void schedule_end_by_exit(void);

/* Zeroes what a schedule records in log before it runs. */
void schedule_log_clear(struct decision_log *log);

/* Tells how a schedule ended from its wait status (timed_out: killed past
 * the limit) and the output it left in the file output. */
void schedule_finish(const struct schedule_request *request, int status,
                     bool timed_out, int output,
                     struct schedule_result *result);

/* Frees the middle of a long output as it is written, keeping its head
 * and tail; *dropped_to is where freeing got to. */
void schedule_output_trim(int output, off_t *dropped_to);

int64_t schedule_now_ns(void);

/* ---- schedule_server.c ---- */

/* Runs request like schedule_run, in this process's schedule server: a
 * process that runs schedule after schedule, going back to a snapshot
 * after each that passes (snapshot.h); a failing one ends it, and the next
 * starts another. false (nothing run) where the request is not one it
 * runs: a trace, forced decisions, a sleep set or a lock target, or the
 * process cannot be snapshotted. verbose: say why the server had to be
 * replaced, the first time it is. */
bool schedule_server_run(const struct schedule_request *request,
                         struct schedule_result *result, bool verbose);

/* Ends the server, if one runs. */
void schedule_server_stop(void);

/* The flags a replay command repeats so the replay makes the same
 * scheduling points and checks: "", " --preempt-on-access", ... */
const char *replay_flags(bool preempt_on_access, bool lock_order);

/* ---- hang_report.c ---- */

struct runtime_run_settings;
/* Fills settings' limits from request's: past them the schedule's process
 * reports a hang with every goroutine's stack and exits (the runtime
 * counts the steps and keeps the count in request's log). */
void hang_report_settings(const struct schedule_request *request,
                          struct runtime_run_settings *settings);

/* How long the parent waits past a schedule's time limit for its own hang
 * report before it kills it. */
#define HANG_REPORT_GRACE_NS (2 * WEFT_SECOND)

/* ---- request.c ---- */

/* Fills the zero fields of o with defaults. */
void explore_defaults(struct weft_explore_options *o);

/* A request to run one schedule of body as the options say (limits, the
 * replay command's names, --preempt-on-access); callers add forced
 * decisions or a sleep set. */
struct schedule_request explore_request(const struct weft_explore_options *o,
                                        void (*body)(void),
                                        const struct strategy_spec *spec,
                                        uint64_t seed,
                                        struct decision_log *log);

/* The seed of schedule index under base: a pure function of both. */
uint64_t explore_seed(uint64_t base, uint64_t index);

/* Makes *copy a request equal to original that owns copies of the arrays
 * it points to (forced decisions, postponed goroutines, sleep set, lock
 * target), so it outlives them; request_release frees those copies. */
void request_keep(struct schedule_request *copy,
                  const struct schedule_request *original);
void request_release(struct schedule_request *request);

/* ---- verdict.c ---- */

/* Classifies a finished child from its wait status and output. */
enum weft_verdict_kind verdict_classify(int wait_status, const char *output);

#endif
