/*
 * weft_explore: run the search the options ask for (the default
 * portfolio, one fixed strategy, or dfs), then report the failure it
 * found, once (failure.c), or, for dfs, how much of the space it covered.
 */
#include <stdlib.h>

#include "failure.h"
#include "search.h"

enum { LOG_CAPACITY = 1 << 20 };

/* dfs's summary when it found nothing. */
static void report_dfs_end(const struct weft_explore_options *o,
                           const struct weft_verdict *v, unsigned bound)
{
    if (v->exhausted)
        fprintf(o->report_file,
                "weft: %s: all %llu distinct schedules with <= %u "
                "preemptions explored (%llu runs)\n",
                o->test_name, (unsigned long long)v->distinct_schedules, bound,
                (unsigned long long)v->schedules);
    else
        fprintf(o->report_file,
                "weft: %s: %llu schedules explored, the space with <= %u "
                "preemptions is larger (raise --iterations)\n",
                o->test_name, (unsigned long long)v->schedules, bound);
}

static struct weft_verdict
explore_systematically(void (*fn)(void), const struct weft_explore_options *o,
                       const struct strategy_spec *spec,
                       struct decision_log *log)
{
    struct found_failure found;
    struct weft_verdict verdict = explore_dfs(fn, o, spec, log, &found);
    if (verdict.kind == WEFT_PASS) {
        report_dfs_end(o, &verdict, spec->depth);
        return verdict;
    }
    failure_report(o, &found, &verdict);
    request_release(&found.request);
    return verdict;
}

/* The search o asks for, recording into log, and the report of what it
 * found. */
static struct weft_verdict explore_with_log(void (*fn)(void),
                                            const struct weft_explore_options *o,
                                            struct decision_log *log)
{
    struct weft_verdict verdict = {.kind = WEFT_PASS};
    struct strategy_spec fixed;
    if (o->strategy) {
        if (!strategy_spec_parse(o->strategy, &fixed)) {
            fprintf(o->report_file, "weft: unknown strategy '%s'\n",
                    o->strategy);
            verdict.kind = WEFT_PANIC;
            return verdict;
        }
        if (fixed.kind == STRATEGY_CONFIRM) {
            fprintf(o->report_file,
                    "weft: the confirm strategy only replays schedules\n");
            verdict.kind = WEFT_PANIC;
            return verdict;
        }
        if (fixed.kind == STRATEGY_DFS)
            return explore_systematically(fn, o, &fixed, log);
    }
    struct found_failure found;
    if (!explore_portfolio(fn, o, o->strategy ? &fixed : NULL, log, &verdict,
                           &found))
        return verdict;
    failure_report(o, &found, &verdict);
    request_release(&found.request);
    return verdict;
}

struct weft_verdict weft_explore(void (*fn)(void),
                                 const struct weft_explore_options *options)
{
    struct weft_explore_options o =
        options ? *options : (struct weft_explore_options){0};
    explore_defaults(&o);
    /* one log per test, unmapped after it: the pages a long schedule wrote
     * go back then, not at the end of the process */
    struct decision_log *log = decision_log_create(LOG_CAPACITY);
    struct weft_verdict verdict = explore_with_log(fn, &o, log);
    decision_log_free(log);
    return verdict;
}
