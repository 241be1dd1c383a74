/*
 * weft_replay: one schedule of a test again, named by a replay text (a
 * report's "replay:" line for a program with its own main), run and
 * printed as the report that named it (failure.c).
 */
#include <stdlib.h>
#include <string.h>

#include "failure.h"
#include "profile.h"
#include "replay_text.h"
#include "schedule.h"

enum { MAX_DECISIONS = 1 << 20 };

/* Reports bad input as weft_explore does an unknown strategy. */
static struct weft_verdict refused(const struct weft_explore_options *o,
                                   const char *schedule, const char *reason)
{
    fprintf(o->report_file, "weft: weft_replay: bad schedule '%s': %s\n",
            schedule ? schedule : "(null)", reason);
    fflush(o->report_file);
    return (struct weft_verdict){.kind = WEFT_PANIC};
}

struct weft_verdict weft_replay(void (*fn)(void), const char *schedule,
                                const struct weft_explore_options *options)
{
    struct weft_explore_options o =
        options ? *options : (struct weft_explore_options){0};
    explore_defaults(&o);
    size_t size = schedule ? strlen(schedule) + 1 : 1;
    char *copy = malloc(size);
    struct replay_text text;
    const char *error = replay_text_parse(schedule, copy, size, &text);
    if (error) {
        free(copy);
        return refused(&o, schedule, error);
    }
    o.preempt_on_access = text.preempt_on_access;
    o.no_lock_order = !text.lock_order;
    struct decision *forced = NULL;
    long forced_count = 0;
    if (text.by_schedule) {
        forced = calloc(MAX_DECISIONS, sizeof *forced);
        forced_count =
            schedule_decode(text.schedule, forced, MAX_DECISIONS, &error);
        if (forced_count < 0) {
            free(forced);
            free(copy);
            return refused(&o, schedule, error);
        }
    }
    struct decision_log *log = decision_log_create(MAX_DECISIONS);
    profile_fill(&text.spec, &o, fn, log);
    struct schedule_request request = explore_request(
        &o, fn, &text.spec, text.by_schedule ? 0 : text.seed, log);
    request.forced = forced;
    request.forced_count = (size_t)forced_count;
    struct weft_verdict verdict = {.kind = WEFT_PASS};
    failure_show(o.report_file, &o, &request, &verdict);
    verdict.schedules = 1;
    free(forced);
    free(copy);
    return verdict;
}
