/*
 * Reporting a failing schedule, once, whichever search found it: run it
 * again with creation stacks (the search ran it without: an unwind per
 * weft_go costs), print what it printed, its verdict, strategy and seed,
 * its schedule string and the command that replays it; then, for a
 * potential deadlock, look for a schedule that deadlocks on its cycle and
 * report that one the same way, or minimise the failure and explain it.
 *
 * The searches return what they found and print nothing of it; minimising
 * and confirming call searches in turn, never this file, so nothing here
 * is entered twice.
 */
#include <stdlib.h>

#include "failure.h"
#include "minimise.h"
#include "replay_text.h"
#include "schedule.h"

/* The replay line of a program with its own main: the weft_replay call
 * that reruns the schedule. */
static void print_replay_call(FILE *out, const struct weft_explore_options *o,
                              const struct schedule_request *request,
                              const struct weft_verdict *verdict)
{
    char text[sizeof verdict->schedule + 128];
    replay_text_format(
        text, sizeof text,
        &(struct replay_name){
            .spec = &request->spec,
            .by_schedule = replay_text_by_schedule(&request->spec),
            .seed = request->seed,
            .schedule = verdict->schedule[0] ? verdict->schedule
                                             : "(too long to print)",
            .preempt_on_access = o->preempt_on_access,
            .lock_order = !o->no_lock_order,
        });
    fprintf(out, "    replay: weft_replay(%s, \"%s\")\n", o->test_name, text);
}

/* Prints a failing schedule: its output, then the verdict, the strategy
 * and seed, the schedule string and the replay command (naming o's test
 * and program, with o's flags); fills verdict. */
static void print_failure(FILE *out, const struct weft_explore_options *o,
                          const struct schedule_result *result,
                          const struct schedule_request *request,
                          struct weft_verdict *verdict)
{
    const struct strategy_spec *spec = &request->spec;
    const struct decision_log *log = request->log;
    uint64_t seed = request->seed;
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
    /* a schedule string replayed with no --strategy: whatever strategy
     * made it, say none rather than the dfs:0 that follows its end */
    bool bare_schedule = spec->kind == STRATEGY_DFS && !o->strategy;
    if (bare_schedule)
        fprintf(out, "    replayed schedule, %llu steps, %llu preemption%s\n",
                (unsigned long long)log->steps,
                (unsigned long long)log->preemptions,
                log->preemptions == 1 ? "" : "s");
    else if (spec->kind == STRATEGY_CONFIRM) /* its seed replays nothing */
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
    if (!program) { /* its own main: weft replay cannot run it */
        print_replay_call(out, o, request, verdict);
        fflush(out);
        return;
    }
    if (bare_schedule)
        fprintf(out, "    replay: weft replay %s --test %s%s --schedule %s",
                program, test, flags, verdict->schedule);
    else if (spec->kind == STRATEGY_DFS) /* no seed names a dfs schedule */
        fprintf(out,
                "    replay: weft replay %s --test %s%s --strategy %s "
                "--schedule %s",
                program, test, flags, verdict->strategy, verdict->schedule);
    else if (spec->kind == STRATEGY_CONFIRM) /* its seed needs the cycle */
        fprintf(out,
                "    replay: weft replay %s --test %s%s --strategy confirm "
                "--schedule %s",
                program, test, flags, verdict->schedule);
    else
        fprintf(out,
                "    replay: weft replay %s --test %s%s --strategy %s --seed "
                "0x%llx",
                program, test, flags, verdict->strategy,
                (unsigned long long)seed);
    if (o->replay_args) /* the program's own, after "--" */
        fprintf(out, " -- %s", o->replay_args);
    fputc('\n', out);
    fflush(out);
}

/* Runs request as its report shows it: with creation stacks, for a leak
 * report (the same decisions as the run that found it). */
static void run_shown(struct schedule_request *request,
                      struct schedule_result *result)
{
    request->creation_stacks = true;
    schedule_run(request, result);
}

/* Minimises the failure last run from request (in its log): by decisions,
 * so without the sleep set its search ran it with. */
static void minimise(const struct weft_explore_options *o,
                     const struct schedule_request *request,
                     enum weft_verdict_kind kind)
{
    struct schedule_request by_decisions = *request;
    by_decisions.sleep = NULL;
    by_decisions.sleep_count = 0;
    minimise_and_explain(o->report_file, &by_decisions, kind, request->log,
                         o->trace_path);
}

/* A potential deadlock in found's run: report a schedule that deadlocks on
 * its cycle, if confirmation finds one. */
static void confirm(const struct weft_explore_options *o,
                    const struct found_failure *found,
                    struct weft_verdict *verdict)
{
    FILE *out = o->report_file;
    struct decision_log *log = found->request.log;
    if (log->lock_cycle_length == 0) {
        fputs("    not confirmed: the cycle was not recorded\n", out);
        return;
    }
    struct found_failure deadlock;
    uint64_t tried;
    if (!confirm_lock_cycle(o, found->request.body, log, &deadlock, &tried)) {
        fprintf(out, "    not reached in %llu schedules\n",
                (unsigned long long)tried);
        fflush(out);
        return;
    }
    struct schedule_result result;
    run_shown(&deadlock.request, &result);
    fprintf(out,
            "    confirmed: seed 0x%llx (confirmation schedule %llu) "
            "deadlocks:\n",
            (unsigned long long)deadlock.request.seed,
            (unsigned long long)deadlock.number);
    print_failure(out, o, &result, &deadlock.request, verdict);
    free(result.output);
    minimise(o, &deadlock.request, verdict->kind);
    request_release(&deadlock.request);
    verdict->kind = WEFT_CONFIRMED_DEADLOCK;
}

void failure_report(const struct weft_explore_options *o,
                    struct found_failure *found, struct weft_verdict *verdict)
{
    FILE *out = o->report_file;
    struct schedule_result result;
    run_shown(&found->request, &result);
    fprintf(out, "weft: %s: %s found in schedule %llu\n", o->test_name,
            weft_verdict_name(result.kind), (unsigned long long)found->number);
    print_failure(out, o, &result, &found->request, verdict);
    free(result.output);
    if (verdict->kind == WEFT_LOCK_ORDER)
        confirm(o, found, verdict);
    else
        minimise(o, &found->request, verdict->kind);
}

void failure_show(FILE *out, const struct weft_explore_options *o,
                  const struct schedule_request *request,
                  struct weft_verdict *verdict)
{
    struct schedule_request shown = *request;
    struct schedule_result result;
    run_shown(&shown, &result);
    print_failure(out, o, &result, &shown, verdict);
    free(result.output);
}

enum weft_verdict_kind failure_replay(FILE *out,
                                      const struct weft_explore_options *o,
                                      const struct schedule_request *request)
{
    struct weft_verdict verdict = {0};
    failure_show(out, o, request, &verdict);
    return verdict.kind;
}
