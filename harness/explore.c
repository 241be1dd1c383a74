/*
 * The explorer: one schedule after another, each in a fresh copy of the
 * process (run.c), until a schedule fails or the budget is spent.
 *
 * Determinism: schedule i's strategy and seed depend only on the options
 * and i, never on what ran before, so a shard or a worker running any
 * subset of the indices finds the same failures, and the lowest failing
 * index is the same however the work was split. pct's step bound K is
 * calibrated once, from schedule 0, for the same reason.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"

enum {
    DEFAULT_ITERATIONS = 1000,
    DEFAULT_SEED = 0x5eed,
    DEFAULT_MAX_STEPS = 1000000,
    LOG_CAPACITY = 1 << 20,
};

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * WEFT_SECOND + ts.tv_nsec;
}

struct schedule_request explore_request(const struct weft_explore_options *o,
                                        void (*body)(void),
                                        const struct strategy_spec *spec,
                                        uint64_t seed, struct decision_log *log)
{
    return (struct schedule_request){
        .body = body,
        .program = o->replay_program,
        .test_name = o->test_name,
        .spec = *spec,
        .seed = seed,
        .max_steps = o->max_steps,
        .timeout_ns = o->schedule_timeout_ns,
        .preempt_on_access = o->preempt_on_access,
        .lock_order = !o->no_lock_order,
        .log = log,
    };
}

uint64_t explore_seed(uint64_t base, uint64_t index)
{
    uint64_t z = base + (index + 1) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The default portfolio: random, then pct of depths 2 and 3, in turn. */
static struct strategy_spec portfolio(uint64_t index)
{
    static const struct strategy_spec specs[] = {
        {.kind = STRATEGY_RANDOM, .depth = 0},
        {.kind = STRATEGY_PCT, .depth = 2},
        {.kind = STRATEGY_PCT, .depth = 3},
    };
    return specs[index % 3];
}

void explore_defaults(struct weft_explore_options *o)
{
    if (!o->iterations && !o->time_budget_ns)
        o->iterations = DEFAULT_ITERATIONS;
    if (!o->iterations)
        o->iterations = UINT64_MAX;
    if (!o->seed)
        o->seed = DEFAULT_SEED;
    if (!o->max_steps)
        o->max_steps = DEFAULT_MAX_STEPS;
    if (!o->schedule_timeout_ns)
        o->schedule_timeout_ns = 10 * WEFT_SECOND;
    if (!o->shard_count)
        o->shard_count = 1;
    if (!o->jobs)
        o->jobs = 1;
    if (!o->report_file)
        o->report_file = stderr;
    if (!o->test_name)
        o->test_name = "test";
    if (!o->replay_program)
        o->replay_program = "./test";
}

struct explorer {
    void (*body)(void);
    const struct weft_explore_options *options;
    struct strategy_spec fixed; /* options->strategy, if given */
    bool has_fixed;
    uint64_t pct_steps; /* pct's K */
    struct decision_log *log;
};

static struct strategy_spec spec_for(const struct explorer *e, uint64_t index)
{
    struct strategy_spec spec = e->has_fixed ? e->fixed : portfolio(index);
    if (spec.kind == STRATEGY_PCT && spec.steps == 0)
        spec.steps = e->pct_steps;
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
    schedule_run(&request, result);
}

const char *replay_flags(bool preempt_on_access, bool lock_order)
{
    static const char *flags[2][2] = {
        {" --no-lock-order", ""},
        {" --preempt-on-access --no-lock-order", " --preempt-on-access"},
    };
    return flags[preempt_on_access][lock_order];
}

void explore_print_failure(FILE *out, const struct weft_explore_options *o,
                           const struct schedule_result *result,
                           const struct strategy_spec *spec, uint64_t seed,
                           const struct decision_log *log,
                           struct weft_verdict *verdict)
{
    const char *test = o->test_name, *program = o->replay_program;
    const char *flags = replay_flags(o->preempt_on_access, !o->no_lock_order);
    verdict->kind = result->kind;
    verdict->seed = seed;
    strategy_spec_format(spec, verdict->strategy, sizeof verdict->strategy);
    size_t recorded = log->count < log->capacity ? log->count : log->capacity;
    if (!schedule_encode(log->decisions, recorded, verdict->schedule,
                         sizeof verdict->schedule))
        verdict->schedule[0] = '\0';
    fwrite(result->output, 1, result->output_length, out);
    fprintf(out, "--- %s in %s\n", weft_verdict_name(result->kind), test);
    if (spec->kind == STRATEGY_CONFIRM) /* its seed replays nothing alone */
        fprintf(out, "    strategy confirm, %llu steps, %llu preemption%s\n",
                (unsigned long long)log->steps,
                (unsigned long long)log->preemptions,
                log->preemptions == 1 ? "" : "s");
    else
        fprintf(out,
                "    strategy %s, seed 0x%llx, %llu steps, %llu preemption%s\n",
                verdict->strategy, (unsigned long long)seed,
                (unsigned long long)log->steps,
                (unsigned long long)log->preemptions,
                log->preemptions == 1 ? "" : "s");
    if (verdict->schedule[0])
        fprintf(out, "    schedule %s\n", verdict->schedule);
    if (spec->kind == STRATEGY_DFS) /* no seed names a dfs schedule */
        fprintf(out,
                "    replay: weft replay %s --test %s%s --strategy %s "
                "--schedule %s\n",
                program, test, flags, verdict->strategy, verdict->schedule);
    else if (spec->kind == STRATEGY_CONFIRM) /* its seed needs the cycle */
        fprintf(out,
                "    replay: weft replay %s --test %s%s --strategy confirm "
                "--schedule %s\n",
                program, test, flags, verdict->schedule);
    else
        fprintf(out,
                "    replay: weft replay %s --test %s%s --strategy %s --seed "
                "0x%llx\n",
                program, test, flags, verdict->strategy,
                (unsigned long long)seed);
    fflush(out);
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
static void explore_worker(struct explorer *e, unsigned worker, unsigned jobs,
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

struct weft_verdict weft_explore(void (*fn)(void),
                                 const struct weft_explore_options *options)
{
    struct weft_explore_options o =
        options ? *options : (struct weft_explore_options){0};
    explore_defaults(&o);
    struct weft_verdict verdict = {.kind = WEFT_PASS};
    struct explorer e = {.body = fn, .options = &o};
    e.log = decision_log_create(LOG_CAPACITY);
    if (o.strategy) {
        if (!strategy_spec_parse(o.strategy, &e.fixed)) {
            fprintf(o.report_file, "weft: unknown strategy '%s'\n", o.strategy);
            verdict.kind = WEFT_PANIC;
            return verdict;
        }
        if (e.fixed.kind == STRATEGY_CONFIRM) {
            fprintf(o.report_file,
                    "weft: the confirm strategy only replays schedules\n");
            verdict.kind = WEFT_PANIC;
            return verdict;
        }
        e.has_fixed = true;
        if (e.fixed.kind == STRATEGY_DFS)
            return explore_dfs(fn, &o, &e.fixed, e.log); /* confirms too */
    }
    /* calibrate pct's K from one random schedule (index 0's seed) */
    struct strategy_spec random = {.kind = STRATEGY_RANDOM};
    struct schedule_request calibration =
        explore_request(&o, fn, &random, explore_seed(o.seed, 0), e.log);
    struct schedule_result result;
    schedule_run(&calibration, &result);
    free(result.output);
    e.pct_steps = e.log->steps > 16 ? e.log->steps : 16;

    struct shared_progress *progress =
        mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset(progress, 0, sizeof *progress);
    atomic_store(&progress->lowest_failure, UINT64_MAX);
    int64_t start = monotonic_ns();
    int64_t deadline = o.time_budget_ns ? monotonic_ns() + o.time_budget_ns : 0;
    if (o.jobs == 1) {
        explore_worker(&e, 0, 1, progress, deadline);
    } else {
        for (unsigned w = 0; w < o.jobs; w++) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid == 0) {
                e.log = decision_log_create(LOG_CAPACITY);
                explore_worker(&e, w, o.jobs, progress, deadline);
                _exit(0);
            }
        }
        while (wait(NULL) > 0)
            ;
    }
    show_progress(&o, progress, start, true);
    verdict.schedules = atomic_load(&progress->schedules);
    uint64_t failing = atomic_load(&progress->lowest_failure);
    if (failing != UINT64_MAX && o.keep_going)
        print_failure_counts(o.report_file, progress);
    munmap(progress, sizeof *progress);
    if (failing == UINT64_MAX)
        return verdict;
    /* Run the failing schedule again here: it is deterministic, and this
     * gives its output and decisions however the work was split. */
    struct schedule_request request = request_for(&e, failing);
    request.creation_stacks = true; /* its report is shown */
    schedule_run(&request, &result);
    struct strategy_spec spec = request.spec;
    fprintf(o.report_file, "weft: %s: %s found in schedule %llu\n", o.test_name,
            weft_verdict_name(result.kind), (unsigned long long)failing + 1);
    explore_print_failure(o.report_file, &o, &result, &spec,
                          explore_seed(o.seed, failing), e.log, &verdict);
    free(result.output);
    if (verdict.kind == WEFT_LOCK_ORDER)
        confirm_lock_cycle(&o, &request, e.log, &verdict);
    else
        minimise_and_explain(o.report_file, &request, verdict.kind, e.log,
                             o.trace_path);
    return verdict;
}
