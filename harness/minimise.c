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
 *
 * A hang runs every candidate to its limit, so a hang is minimised on a
 * budget of its own: first the schedule with no preemption at all, then
 * single preemptions taken away, HANG_CANDIDATES runs in all, each cut at
 * HANG_CANDIDATE_TIMEOUT_NS; its listing is its first steps only. Any
 * listing longer than LISTED_STEPS_MAX shows its two ends.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "goroutine_names.h"
#include "minimise.h"
#include "schedule.h"
#include "search.h"
#include "trace_export.h"

enum {
    MAX_ATTEMPTS = 200,
    SEARCH_BOUND = 2,
    SEARCH_RUNS = 150,
    MAX_SHORTEN_ATTEMPTS = 200,
    HANG_CANDIDATES = 4,
    HANG_LISTED_STEPS = 100,
    LISTED_STEPS_MAX = 200, /* then the first and last half of it */
};
static const int64_t HANG_CANDIDATE_TIMEOUT_NS = 2 * WEFT_SECOND;

/* A hang's candidate runs no longer than the schedule that found it. */
static int64_t hang_candidate_timeout(const struct schedule_request *request)
{
    int64_t limit = request->timeout_ns;
    return limit > 0 && limit < HANG_CANDIDATE_TIMEOUT_NS
               ? limit
               : HANG_CANDIDATE_TIMEOUT_NS;
}

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
                       struct decision_log *log, unsigned *attempts,
                       unsigned max_attempts)
{
    for (size_t p = current->count; p-- > 0 && *attempts < max_attempts;) {
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

/* What a lock operation did when it did not block: "acquires", ... */
static const char *acquired(const char *operation)
{
    static const char *const locks[][2] = {
        {"mutex lock ", "acquires "},
        {"mutex unlock ", "releases "},
        {"rwmutex lock ", "acquires "},
        {"rwmutex unlock ", "releases "},
        {"rwmutex rlock ", "acquires for reading "},
        {"rwmutex runlock ", "releases for reading "},
    };
    for (size_t i = 0; i < sizeof locks / sizeof *locks; i++)
        if (strncmp(operation, locks[i][0], strlen(locks[i][0])) == 0)
            return locks[i][1];
    return NULL;
}

enum step_fate { STEP_RAN, STEP_BLOCKED, STEP_PREEMPTED };

/* One step of the listing, from its trace line "12 g3 mutex lock mutex#2
 * @ bank.c:41": "g3 acquires mutex#2 @ bank.c:41"; when the operation
 * blocked, "g3 blocks on mutex#2 (mutex lock) @ bank.c:41"; when g3 was
 * switched out before it, "g3 is preempted before mutex lock mutex#2 @
 * ..." (the step is listed again where it runs). */
/* Who made a step, from its trace's "g3 ": "g3 ", or "thread T2 " for a
 * pthread program's thread, as its reports name it. */
static void step_goroutine(char *who, size_t size, const char *from,
                           size_t length)
{
    unsigned long long id;
    char name[GOROUTINE_NAME_MAX];
    if (goroutine_names_are_threads() && sscanf(from, "g%llu ", &id) == 1)
        snprintf(who, size, "%s ", goroutine_name(name, sizeof name, id, false));
    else
        snprintf(who, size, "%.*s", (int)length, from);
}

static void print_step(FILE *out, const char *line, size_t length,
                       enum step_fate fate)
{
    const char *step_end = memchr(line, ' ', length);
    const char *from = step_end ? step_end + 1 : line;
    const char *end = line + length;
    const char *operation = memchr(from, ' ', (size_t)(end - from));
    if (!operation) {
        fprintf(out, "    %.*s\n", (int)(end - from), from);
        return;
    }
    operation++;
    const char *at = memmem(operation, (size_t)(end - operation), " @ ", 3);
    if (!at)
        at = end;
    const char *object = memchr(operation, '#', (size_t)(at - operation));
    while (object && object > operation && object[-1] != ' ')
        object--;
    char who[GOROUTINE_NAME_MAX + 2];
    step_goroutine(who, sizeof who, from, (size_t)(operation - from));
    int what = (int)((object ? object - 1 : at) - operation);
    int name = object ? (int)(at - object) : 0;
    const char *verb = acquired(operation);
    if (fate == STEP_PREEMPTED)
        fprintf(out, "    %sis preempted before %.*s", who,
                (int)(at - operation), operation);
    else if (fate == STEP_BLOCKED && object)
        fprintf(out, "    %sblocks on %.*s (%.*s)", who, name, object, what,
                operation);
    else if (fate == STEP_BLOCKED)
        fprintf(out, "    %sblocks in %.*s", who, what, operation);
    else if (verb && object)
        fprintf(out, "    %s%s%.*s", who, verb, name, object);
    else
        fprintf(out, "    %s%.*s", who, (int)(at - operation), operation);
    fprintf(out, "%.*s\n", (int)(end - at), at);
}

struct step_line {
    const char *text;
    size_t length;
    enum step_fate fate;
};

/* The last step of goroutine id listed so far, or NULL. */
static struct step_line *last_step_of(struct step_line *steps, size_t count,
                                      unsigned long long id)
{
    char who[32];
    int n = snprintf(who, sizeof who, " g%llu ", id);
    for (size_t i = count; i-- > 0;)
        if (memmem(steps[i].text, steps[i].length, who, (size_t)n))
            return &steps[i];
    return NULL;
}

/* The trace's steps, in the order they ran: a step whose goroutine was
 * preempted at it is listed there as preempted and again where it
 * resumed; one that parked is marked blocked (the trace's "  gN ..."
 * lines); returns how many, into *steps (malloc'ed). */
static size_t parse_steps(const char *text, struct step_line **steps)
{
    size_t count = 0, capacity = 64;
    *steps = malloc(capacity * sizeof **steps);
    for (const char *line = text; *line;) {
        size_t length = strcspn(line, "\n");
        unsigned long long id;
        char fate[16];
        struct step_line step = {line, length, STEP_RAN};
        bool listed = length > 0;
        if (sscanf(line, "  g%llu %15s", &id, fate) == 2) {
            struct step_line *last = last_step_of(*steps, count, id);
            listed = last && strcmp(fate, "resumes") == 0;
            if (listed)
                step = (struct step_line){last->text, last->length, STEP_RAN};
            else if (last)
                last->fate = strcmp(fate, "blocks") == 0 ? STEP_BLOCKED
                                                         : STEP_PREEMPTED;
        }
        if (listed) {
            if (count == capacity)
                *steps = realloc(*steps, (capacity *= 2) * sizeof **steps);
            (*steps)[count++] = step;
        }
        line += length + (line[length] == '\n');
    }
    return count;
}

/* Prints the steps, the two ends of a long listing only. */
static void print_steps(FILE *out, const char *text, bool hang)
{
    struct step_line *steps;
    size_t count = parse_steps(text, &steps);
    size_t head = count, tail = 0;
    if (!hang && count > LISTED_STEPS_MAX) {
        head = LISTED_STEPS_MAX / 2;
        tail = LISTED_STEPS_MAX / 2;
    }
    for (size_t i = 0; i < head; i++)
        print_step(out, steps[i].text, steps[i].length, steps[i].fate);
    if (hang)
        fputs("    ... (and so on, past the limit)\n", out);
    if (tail)
        fprintf(out, "    ... %zu steps elided ...\n", count - head - tail);
    for (size_t i = count - tail; i < count; i++)
        print_step(out, steps[i].text, steps[i].length, steps[i].fate);
    free(steps);
}

/* Runs the candidate traced and prints its steps; returns the trace. A
 * hang is traced through its first HANG_LISTED_STEPS only (each traced
 * step is an unwind). */
static char *explain(FILE *out, const struct schedule_request *base,
                     const struct candidate *c, enum weft_verdict_kind kind,
                     const struct decision_log *log, const char *budget_note)
{
    bool hang = kind == WEFT_HANG;
    int trace = memfd_create("weft-trace", MFD_CLOEXEC);
    struct schedule_request request = *base;
    request.spec = (struct strategy_spec){.kind = STRATEGY_DFS, .depth = 0};
    request.forced = c->decisions;
    request.forced_count = c->count;
    request.forced_by_key = true;
    request.trace_fd = trace;
    if (hang) {
        request.max_steps = HANG_LISTED_STEPS;
        request.timeout_ns = hang_candidate_timeout(base);
    }
    struct schedule_result result;
    schedule_run(&request, &result);
    free(result.output);
    off_t size = lseek(trace, 0, SEEK_END);
    char *text = calloc(1, (size_t)size + 1);
    if (pread(trace, text, (size_t)size, 0) < 0)
        text[0] = '\0';
    close(trace);
    /* every point the run passed, the last one included even when no
     * choice was made there, as the failure's header counts them; a hang
     * has no last one */
    if (hang)
        fprintf(out, "--- minimised to %llu preemption%s%s; its first %u "
                "steps:\n",
                (unsigned long long)c->preemptions,
                c->preemptions == 1 ? "" : "s", budget_note,
                HANG_LISTED_STEPS);
    else
        fprintf(out, "--- minimised to %llu preemption%s, %llu steps:\n",
                (unsigned long long)c->preemptions,
                c->preemptions == 1 ? "" : "s",
                (unsigned long long)log->steps);
    print_steps(out, text, hang);
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

/* A hang: the schedule with no preemption first, then preemptions taken
 * away one at a time, HANG_CANDIDATES runs in all, each cut short. Writes
 * what the budget allowed into note. */
static void minimise_hang(const struct schedule_request *request,
                          struct candidate *current, struct decision_log *log,
                          char *note, size_t size)
{
    struct schedule_request cut = *request;
    cut.timeout_ns = hang_candidate_timeout(request);
    unsigned attempts = 0;
    if (current->preemptions > 0) {
        struct candidate none = {0};
        attempts++;
        if (still_fails(&cut, &none, WEFT_HANG))
            capture(current, log);
    }
    while (current->preemptions > 0 &&
           remove_one(&cut, current, WEFT_HANG, log, &attempts,
                      HANG_CANDIDATES))
        ;
    snprintf(note, size,
             " (a hang: %u of at most %u candidate runs, each cut at its "
             "step limit or %g s)",
             attempts, HANG_CANDIDATES,
             (double)cut.timeout_ns / WEFT_SECOND);
}

void minimise_and_explain(FILE *out, const struct schedule_request *request,
                          enum weft_verdict_kind kind, struct decision_log *log,
                          const char *trace_path)
{
    struct candidate current = {0};
    capture(&current, log);
    char note[160] = "";
    if (kind == WEFT_HANG) {
        minimise_hang(request, &current, log, note, sizeof note);
    } else {
        unsigned attempts = 0;
        while (current.preemptions > 0 &&
               remove_one(request, &current, kind, log, &attempts,
                          MAX_ATTEMPTS))
            ;
        if (current.preemptions > 0)
            search_fewer(request, &current, kind, log);
        attempts = 0;
        while (shorten_one(request, &current, kind, log, &attempts))
            ;
    }
    /* the final run, traced, leaves its decisions in the log */
    char *trace = explain(out, request, &current, kind, log, note);
    if (trace_path && !trace_export_chrome(trace_path, trace))
        fprintf(out, "weft: cannot write the trace to %s\n", trace_path);
    else if (trace_path)
        fprintf(out,
                "    trace: %s (open it in Perfetto or chrome://tracing)\n",
                trace_path);
    free(trace);
    /* a hang's listing run stopped early: its schedule is the candidate's */
    char schedule[512];
    size_t count = log->count < log->capacity ? log->count : log->capacity;
    const struct decision *decisions = log->decisions;
    if (kind == WEFT_HANG) {
        decisions = current.decisions;
        count = current.count;
    }
    if (schedule_encode(decisions, count, schedule, sizeof schedule))
        fprintf(out, "    schedule %s\n", schedule);
    candidate_free(&current);
    fflush(out);
}
