/*
 * dfs:B — systematic exploration of every schedule with at most B
 * preemptions (CHESS's preemption bounding), statelessly: each run replays
 * a forced prefix of decisions and then never preempts (option 0); the
 * decisions it records extend the search tree, and backtracking picks the
 * deepest decision with an untried option whose preemption cost still
 * fits the bound. Choosing another goroutine where the running one could
 * have gone on costs one preemption; every other choice (a blocked
 * goroutine's successor, a select case, a timer) is free.
 * Invariant: frames[0..depth) is the path of the last run; tried options
 * of a frame are exactly those below its chosen index.
 */
#include <stdlib.h>
#include <string.h>

#include "explore.h"

struct frame {
    uint32_t chosen;
    uint32_t count;
    bool preemptible;
    unsigned preemptions_before;
};

static unsigned cost(const struct frame *f, uint32_t option)
{
    return f->preemptible && option != 0;
}

/* Moves to the next untried branch; false when the space is exhausted. */
static bool backtrack(struct frame *frames, size_t *depth, unsigned bound)
{
    while (*depth > 0) {
        struct frame *f = &frames[*depth - 1];
        for (uint32_t next = f->chosen + 1; next < f->count; next++)
            if (f->preemptions_before + cost(f, next) <= bound) {
                f->chosen = next;
                return true;
            }
        (*depth)--;
    }
    return false;
}

struct weft_verdict explore_dfs(void (*fn)(void),
                                const struct weft_explore_options *o,
                                const struct strategy_spec *spec,
                                struct decision_log *log)
{
    struct weft_verdict verdict = {.kind = WEFT_PASS};
    size_t capacity = log->capacity;
    struct frame *frames = calloc(capacity, sizeof *frames);
    struct decision *prefix = calloc(capacity, sizeof *prefix);
    size_t depth = 0;
    for (;;) {
        for (size_t i = 0; i < depth; i++)
            prefix[i] = (struct decision){frames[i].chosen, frames[i].count,
                                          frames[i].preemptible};
        struct schedule_request request = {
            .body = fn,
            .spec = *spec,
            .forced = prefix,
            .forced_count = depth,
            .max_steps = o->max_steps,
            .timeout_ns = o->schedule_timeout_ns,
            .preempt_on_access = o->preempt_on_access,
            .log = log,
        };
        struct schedule_result result;
        schedule_run(&request, &result);
        verdict.schedules++;
        verdict.distinct_schedules++;
        size_t recorded = log->count < capacity ? log->count : capacity;
        for (size_t i = depth; i < recorded; i++) {
            const struct decision *d = &log->decisions[i];
            unsigned before = i ? frames[i - 1].preemptions_before +
                                      cost(&frames[i - 1], frames[i - 1].chosen)
                                : 0;
            frames[i] = (struct frame){d->index, d->count, d->preemptible,
                                       before};
        }
        depth = recorded;
        if (result.kind != WEFT_PASS) {
            fprintf(o->report_file, "weft: %s: %s found in schedule %llu\n",
                    o->test_name, weft_verdict_name(result.kind),
                    (unsigned long long)verdict.schedules);
            struct weft_verdict failure = verdict;
            explore_print_failure(o->report_file, o->test_name,
                                  o->replay_program, &result, spec, 0, log,
                                  &failure);
            free(result.output);
            free(frames);
            free(prefix);
            return failure;
        }
        free(result.output);
        if (!backtrack(frames, &depth, spec->depth)) {
            verdict.exhausted = true;
            break;
        }
        if (verdict.schedules >= o->iterations)
            break;
    }
    if (verdict.exhausted)
        fprintf(o->report_file,
                "weft: %s: all %llu distinct schedules with <= %u "
                "preemptions explored\n",
                o->test_name, (unsigned long long)verdict.distinct_schedules,
                spec->depth);
    else
        fprintf(o->report_file,
                "weft: %s: %llu schedules explored, the space with <= %u "
                "preemptions is larger (raise --iterations)\n",
                o->test_name, (unsigned long long)verdict.schedules,
                spec->depth);
    free(frames);
    free(prefix);
    return verdict;
}
