/*
 * Minimising a failing schedule: greedily take preemptions away — at a
 * decision where the running goroutine was switched out, let it go on
 * instead — keeping the change whenever the same verdict still follows,
 * until no single preemption can go. Then the steps: where the running
 * goroutine could not go on anyway (it blocked, yielded or ended), another
 * choice of who runs next may reach the failure sooner (a goroutine the
 * failure does not need is left for after it). Decisions are replayed where
 * they were made, by the goroutine that made them and how far it had run,
 * not by position, so they keep their meaning as the schedule changes
 * around them. The result is printed as the list of
 * scheduling points with source locations: the interleaving, explained.
 *
 * Searching for fewer preemptions runs dfs (search.h), which returns what
 * it finds and reports nothing, so minimising never re-enters itself.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "minimise.h"
#include "schedule.h"
#include "search.h"
#include "trace_export.h"

enum {
    MAX_ATTEMPTS = 200,
    SEARCH_BOUND = 2,
    SEARCH_RUNS = 150,
    MAX_SHORTEN_ATTEMPTS = 200,
};

struct candidate {
    struct decision *decisions;
    size_t count;
    uint64_t preemptions;
    uint64_t steps;
};

static void capture(struct candidate *c, const struct decision_log *log)
{
    size_t count = log->count < log->capacity ? log->count : log->capacity;
    c->decisions = realloc(c->decisions, (count + 1) * sizeof *c->decisions);
    memcpy(c->decisions, log->decisions, count * sizeof *c->decisions);
    c->count = count;
    c->preemptions = log->preemptions;
    c->steps = log->steps;
}

static void candidate_free(struct candidate *c)
{
    free(c->decisions);
}

/* Runs the candidate (recording into base's log): the same verdict? */
static bool still_fails(const struct schedule_request *base,
                        const struct candidate *c, enum weft_verdict_kind kind)
{
    struct schedule_request request = *base;
    request.spec = (struct strategy_spec){.kind = STRATEGY_DFS, .depth = 0};
    request.forced = c->decisions;
    request.forced_count = c->count;
    request.forced_by_key = true;
    struct schedule_result result;
    schedule_run(&request, &result);
    free(result.output);
    return result.kind == kind;
}

/* One pass: the first preemption (from the last) that can go, or false. */
static bool remove_one(const struct schedule_request *base,
                       struct candidate *current, enum weft_verdict_kind kind,
                       struct decision_log *log, unsigned *attempts)
{
    for (size_t p = current->count; p-- > 0 && *attempts < MAX_ATTEMPTS;) {
        struct decision *d = &current->decisions[p];
        if (!d->preemptible || d->index == 0)
            continue;
        struct candidate trial = *current;
        trial.decisions = malloc(current->count * sizeof *trial.decisions);
        memcpy(trial.decisions, current->decisions,
               current->count * sizeof *trial.decisions);
        trial.decisions[p].chosen_id = current->decisions[p].continue_id;
        trial.decisions[p].index = 0;
        (*attempts)++;
        bool fails = still_fails(base, &trial, kind);
        free(trial.decisions);
        if (fails && log->preemptions < current->preemptions) {
            capture(current, log);
            return true;
        }
    }
    return false;
}

/* One pass for steps: the first goroutine which, run only where no one
 * else can (and where a kept preemption asks for it), still lets the same
 * failure happen, sooner and with no more preemptions; false if none. The
 * goroutines the failure does not need end up after it. */
static bool shorten_one(const struct schedule_request *base,
                        struct candidate *current, enum weft_verdict_kind kind,
                        struct decision_log *log, unsigned *attempts)
{
    for (size_t p = 0; p < current->count; p++) {
        const struct decision *d = &current->decisions[p];
        if (!d->goroutine || d->preemptible || d->count < 2 ||
            *attempts >= MAX_SHORTEN_ATTEMPTS)
            continue;
        bool tried = false; /* each goroutine once a pass */
        for (size_t q = 0; q < p; q++)
            tried |= current->decisions[q].goroutine &&
                     !current->decisions[q].preemptible &&
                     current->decisions[q].count >= 2 &&
                     current->decisions[q].chosen_id == d->chosen_id;
        if (tried)
            continue;
        struct schedule_request request = *base;
        request.postponed = &d->chosen_id;
        request.postponed_count = 1;
        (*attempts)++;
        if (still_fails(&request, current, kind) &&
            log->preemptions <= current->preemptions &&
            log->steps < current->steps) {
            capture(current, log);
            return true;
        }
    }
    return false;
}

/* Runs the candidate traced and prints its steps; returns the trace. */
static char *explain(FILE *out, const struct schedule_request *base,
                     const struct candidate *c, struct decision_log *log)
{
    int trace = memfd_create("weft-trace", MFD_CLOEXEC);
    struct schedule_request request = *base;
    request.spec = (struct strategy_spec){.kind = STRATEGY_DFS, .depth = 0};
    request.forced = c->decisions;
    request.forced_count = c->count;
    request.forced_by_key = true;
    request.trace_fd = trace;
    struct schedule_result result;
    schedule_run(&request, &result);
    free(result.output);
    off_t size = lseek(trace, 0, SEEK_END);
    char *text = calloc(1, (size_t)size + 1);
    if (pread(trace, text, (size_t)size, 0) < 0)
        text[0] = '\0';
    close(trace);
    /* the steps listed below: every point the run passed, the last one
     * included even when no choice was made there */
    unsigned long long steps = 0;
    for (const char *p = text; *p; p++)
        steps += *p == '\n';
    fprintf(out, "--- minimised to %llu preemption%s, %llu steps:\n",
            (unsigned long long)log->preemptions,
            log->preemptions == 1 ? "" : "s", steps);
    /* "12 g3 chan send ch#2 @ bank.c:41" -> "    g3 chan send ch#2 @ ..." */
    for (const char *line = text; *line;) {
        size_t length = strcspn(line, "\n");
        const char *step_end = memchr(line, ' ', length);
        const char *from = step_end ? step_end + 1 : line;
        fprintf(out, "    %.*s\n", (int)(length - (size_t)(from - line)), from);
        line += length + (line[length] == '\n');
    }
    return text;
}

/* Greedy removal can stop in a local minimum: look for a schedule with
 * fewer preemptions systematically, bound by bound, on a small budget. */
static void search_fewer(const struct schedule_request *request,
                         struct candidate *current, enum weft_verdict_kind kind,
                         struct decision_log *log)
{
    struct weft_explore_options o = {
        .iterations = SEARCH_RUNS,
        .max_steps = request->max_steps,
        .schedule_timeout_ns = request->timeout_ns,
        .no_lock_order = true, /* a potential deadlock is not the verdict */
    };
    explore_defaults(&o);
    for (unsigned bound = 0;
         bound < current->preemptions && bound <= SEARCH_BOUND; bound++) {
        struct strategy_spec spec = {.kind = STRATEGY_DFS, .depth = bound};
        struct found_failure found;
        struct weft_verdict v =
            explore_dfs(request->body, &o, &spec, log, &found);
        if (v.kind == WEFT_PASS)
            continue;
        request_release(&found.request); /* its decisions are in log */
        if (v.kind == kind && log->preemptions < current->preemptions) {
            capture(current, log);
            break;
        }
    }
}

void minimise_and_explain(FILE *out, const struct schedule_request *request,
                          enum weft_verdict_kind kind, struct decision_log *log,
                          const char *trace_path)
{
    struct candidate current = {0};
    capture(&current, log);
    unsigned attempts = 0;
    while (current.preemptions > 0 &&
           remove_one(request, &current, kind, log, &attempts))
        ;
    if (current.preemptions > 0)
        search_fewer(request, &current, kind, log);
    attempts = 0;
    while (shorten_one(request, &current, kind, log, &attempts))
        ;
    /* the final run, traced, leaves its decisions in the log */
    char *trace = explain(out, request, &current, log);
    if (trace_path && !trace_export_chrome(trace_path, trace))
        fprintf(out, "weft: cannot write the trace to %s\n", trace_path);
    else if (trace_path)
        fprintf(out,
                "    trace: %s (open it in Perfetto or chrome://tracing)\n",
                trace_path);
    free(trace);
    char schedule[512];
    size_t count = log->count < log->capacity ? log->count : log->capacity;
    if (schedule_encode(log->decisions, count, schedule, sizeof schedule))
        fprintf(out, "    schedule %s\n", schedule);
    candidate_free(&current);
    fflush(out);
}
