/*
 * The portfolio search (or one seeded strategy fixed): one schedule after
 * another, each in a fresh copy of the process (run.c), until a schedule
 * fails or the budget is spent.
 * Returns the lowest failing index it found; reporting it is failure.c's.
 *
 * Determinism: schedule i's strategy and seed depend only on the options
 * and i, never on what ran before, so a shard or a worker running any
 * subset of the indices finds the same failures, and the lowest failing
 * index is the same however the work was split. pct's step bound K is
 * calibrated once, from one random run (surw's profile run, where the
 * portfolio has surw; else schedule 0's seed), for the same reason.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "children.h"
#include "profile.h"
#include "saturate.h"
#include "search.h"

enum { LOG_CAPACITY = 1 << 20 };

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * WEFT_SECOND + ts.tv_nsec;
}

/* The default portfolio, chosen by measurement (docs/search.md):
 * surw:abreast alone. It found all 19 bugs of the set within 1,000
 * schedules, the deep ones among many goroutines too, in the fewest
 * schedules on the median program; each other strategy, and each mix of
 * surw with another that was measured, was slower there, and pct, pos and
 * random miss the deep ones. A table, so that a strategy that measures
 * better can be given a share (schedule i runs entry i % size). */
static const struct strategy_spec portfolio_specs[] = {
    {.kind = STRATEGY_SURW, .abreast = true},
};
enum { PORTFOLIO_SIZE = sizeof portfolio_specs / sizeof portfolio_specs[0] };

static struct strategy_spec portfolio(uint64_t index)
{
    return portfolio_specs[index % PORTFOLIO_SIZE];
}

static bool portfolio_has(enum strategy_kind kind)
{
    for (size_t i = 0; i < PORTFOLIO_SIZE; i++)
        if (portfolio_specs[i].kind == kind)
            return true;
    return false;
}

struct explorer {
    void (*body)(void);
    const struct weft_explore_options *options;
    struct strategy_spec fixed; /* options->strategy, if given */
    bool has_fixed;
    uint64_t pct_steps; /* pct's K */
    struct goroutine_profile profile; /* surw's */
    struct decision_log *log;
};

static struct strategy_spec spec_for(const struct explorer *e, uint64_t index)
{
    struct strategy_spec spec = e->has_fixed ? e->fixed : portfolio(index);
    if (spec.kind == STRATEGY_PCT && spec.steps == 0)
        spec.steps = e->pct_steps;
    if (spec.kind == STRATEGY_SURW)
        spec.profile = e->profile;
    return spec;
}

static struct schedule_request request_for(const struct explorer *e,
                                           uint64_t index)
{
    struct strategy_spec spec = spec_for(e, index);
    return explore_request(e->options, e->body, &spec,
                           explore_seed(e->options->seed, index), e->log);
}

static void run_index(const struct explorer *e, uint64_t index,
                      struct schedule_result *result)
{
    struct schedule_request request = request_for(e, index);
    bool persistent = e->options->isolation == WEFT_ISOLATION_PERSISTENT;
    if (!persistent ||
        !schedule_server_run(&request, result, e->options->verbose))
        schedule_run(&request, result);
}

/* Workers share the lowest failing index found so far: nobody needs to
 * run schedules past it. */
struct shared_progress {
    _Atomic uint64_t lowest_failure;
    _Atomic uint64_t schedules;
    _Atomic uint64_t
        failures[WEFT_LOCK_ORDER + 1]; /* failing schedules by kind */
};

/* On a terminal: schedules run, their rate, and failures by verdict. */
static void show_progress(const struct weft_explore_options *o,
                          struct shared_progress *progress, int64_t start,
                          bool final)
{
    if (!isatty(STDERR_FILENO))
        return;
    uint64_t done = atomic_load(&progress->schedules);
    double seconds = (double)(monotonic_ns() - start) / 1e9;
    fprintf(stderr, "\r\033[K  %s: %llu schedules, %.0f/s", o->test_name,
            (unsigned long long)done, seconds > 0 ? (double)done / seconds : 0);
    for (int kind = WEFT_RACE; kind <= WEFT_LOCK_ORDER; kind++) {
        uint64_t n = atomic_load(&progress->failures[kind]);
        if (n)
            fprintf(stderr, ", %llu %s", (unsigned long long)n,
                    weft_verdict_name(kind));
    }
    fputs(final ? "\r\033[K" : "", stderr);
    fflush(stderr);
}

/* With --keep-going: how many schedules failed, by verdict. */
static void print_failure_counts(FILE *out, struct shared_progress *progress)
{
    fputs("weft: failing schedules:", out);
    for (int kind = WEFT_RACE; kind <= WEFT_LOCK_ORDER; kind++) {
        uint64_t n = atomic_load(&progress->failures[kind]);
        if (n)
            fprintf(out, " %llu %s", (unsigned long long)n,
                    weft_verdict_name(kind));
    }
    fputc('\n', out);
}

static bool in_shard(const struct weft_explore_options *o, uint64_t index)
{
    return index % o->shard_count == o->shard_index;
}

/* Runs the indices of worker w of jobs (within this shard) in order,
 * stopping at the first failure or past the lowest one known. */
static void explore_indices(struct explorer *e, unsigned worker, unsigned jobs,
                           struct shared_progress *progress, int64_t deadline)
{
    const struct weft_explore_options *o = e->options;
    uint64_t mine = 0;
    int64_t start = monotonic_ns(), shown = start;
    for (uint64_t i = 0; i < o->iterations; i++) {
        if (!in_shard(o, i) || mine++ % jobs != worker)
            continue;
        if (i >= atomic_load(&progress->lowest_failure) && !o->keep_going)
            return;
        if (deadline && monotonic_ns() > deadline)
            return;
        struct schedule_result result;
        run_index(e, i, &result);
        free(result.output);
        atomic_fetch_add(&progress->schedules, 1);
        if (worker == 0 && monotonic_ns() - shown > 100 * WEFT_MILLISECOND) {
            shown = monotonic_ns();
            show_progress(o, progress, start, false);
        }
        if (result.kind != WEFT_PASS) {
            atomic_fetch_add(&progress->failures[result.kind], 1);
            uint64_t lowest = atomic_load(&progress->lowest_failure);
            while (i < lowest && !atomic_compare_exchange_weak(
                                     &progress->lowest_failure, &lowest, i))
                ;
            if (!o->keep_going)
                return;
        }
    }
}

static void explore_worker(struct explorer *e, unsigned worker, unsigned jobs,
                           struct shared_progress *progress, int64_t deadline)
{
    explore_indices(e, worker, jobs, progress, deadline);
    schedule_server_stop();
}

/* Runs -j workers and waits for them all. A worker that could not start,
 * or that ended other than by finishing its indices, leaves schedules
 * untested: the run fails with a one-line reason, it does not pass. */
static void run_workers(struct explorer *e, struct shared_progress *progress,
                        int64_t deadline)
{
    unsigned jobs = e->options->jobs;
    for (unsigned w = 0; w < jobs; w++) {
        pid_t pid = children_spawn(CHILD_WORKER);
        if (pid < 0) {
            int saved = errno;
            children_stop_workers();
            errno = saved;
            children_fork_failed("a worker");
        }
        if (pid == 0) {
            e->log = decision_log_create(LOG_CAPACITY);
            explore_worker(e, w, jobs, progress, deadline);
            _exit(0);
        }
    }
    bool all_finished = true;
    int status;
    pid_t pid;
    while ((pid = wait(&status)) > 0) {
        children_end_worker(pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            all_finished = false;
    }
    if (!all_finished) {
        fprintf(stderr, "weft: a worker ended before its schedules did (see "
                        "above); no verdict\n");
        exit(2);
    }
}

bool explore_portfolio(void (*fn)(void), const struct weft_explore_options *o,
                       const struct strategy_spec *fixed,
                       struct decision_log *log, struct weft_verdict *verdict,
                       struct found_failure *found)
{
    struct explorer e = {.body = fn, .options = o, .log = log};
    if (fixed) {
        e.fixed = *fixed;
        e.has_fixed = true;
    }
    if (e.has_fixed ? e.fixed.kind == STRATEGY_SURW
                    : portfolio_has(STRATEGY_SURW)) {
        struct strategy_spec surw = {.kind = STRATEGY_SURW};
        profile_fill(&surw, o, fn, e.log);
        e.profile = surw.profile;
        /* a random run too: pct's K needs no run of its own */
        e.pct_steps = e.log->steps > 16 ? e.log->steps : 16;
    }
    /* calibrate pct's K from one random schedule (index 0's seed), where
     * some schedule may be pct with no K given */
    if (!e.pct_steps &&
        (e.has_fixed ? e.fixed.kind == STRATEGY_PCT && e.fixed.steps == 0
                     : portfolio_has(STRATEGY_PCT))) {
        struct strategy_spec random = {.kind = STRATEGY_RANDOM};
        struct schedule_request calibration =
            explore_request(o, fn, &random, explore_seed(o->seed, 0), e.log);
        struct schedule_result result;
        schedule_run(&calibration, &result);
        free(result.output);
        e.pct_steps = e.log->steps > 16 ? e.log->steps : 16;
        /* that run is schedule 1 itself when schedule 1 is random: its
         * failure is the first there can be (and a hang is not waited for
         * a second time) */
        if (result.kind != WEFT_PASS && !o->keep_going && in_shard(o, 0) &&
            spec_for(&e, 0).kind == STRATEGY_RANDOM) {
            verdict->schedules = 1;
            struct schedule_request request = request_for(&e, 0);
            request_keep(&found->request, &request);
            found->number = 1;
            return true;
        }
    }

    struct shared_progress *progress =
        mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (progress == MAP_FAILED) {
        perror("weft: mmap (the workers' shared progress)");
        exit(2);
    }
    memset(progress, 0, sizeof *progress);
    atomic_store(&progress->lowest_failure, UINT64_MAX);
    int64_t start = monotonic_ns();
    int64_t deadline = o->time_budget_ns
                           ? add_saturating(monotonic_ns(), o->time_budget_ns)
                           : 0;
    if (o->jobs == 1) {
        explore_worker(&e, 0, 1, progress, deadline);
    } else {
        run_workers(&e, progress, deadline);
    }
    show_progress(o, progress, start, true);
    verdict->schedules = atomic_load(&progress->schedules);
    uint64_t failing = atomic_load(&progress->lowest_failure);
    if (failing != UINT64_MAX && o->keep_going)
        print_failure_counts(o->report_file, progress);
    munmap(progress, sizeof *progress);
    if (failing == UINT64_MAX)
        return false;
    /* failure.c runs it again in this process: it is deterministic, and
     * that gives its output and decisions however the work was split */
    struct schedule_request request = request_for(&e, failing);
    request_keep(&found->request, &request);
    found->number = failing + 1;
    return true;
}
