/*
 * Schedule requests: the explorer's options with their defaults, the
 * request for one schedule they describe, the seed of each schedule index,
 * and a request that owns its arrays, for a failure reported after the
 * search that found it has gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

enum {
    DEFAULT_ITERATIONS = 1000,
    DEFAULT_SEED = 0x5eed,
    DEFAULT_MAX_STEPS = 1000000,
};

/* WEFT_ISOLATION=fork runs a whole suite in forks, to check that both
 * isolations agree; an explicit option wins over it */
static enum weft_isolation isolation_from_environment(void)
{
    const char *isolation = getenv("WEFT_ISOLATION");
    if (!isolation || !*isolation || strcmp(isolation, "persistent") == 0)
        return WEFT_ISOLATION_PERSISTENT;
    if (strcmp(isolation, "fork") == 0)
        return WEFT_ISOLATION_FORK;
    fprintf(stderr,
            "weft: WEFT_ISOLATION expects persistent or fork, not '%s'\n",
            isolation);
    exit(2);
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
    if (o->isolation == WEFT_ISOLATION_DEFAULT)
        o->isolation = isolation_from_environment();
    if (!o->report_file)
        o->report_file = stderr;
    if (!o->test_name)
        o->test_name = "test";
}

struct schedule_request explore_request(const struct weft_explore_options *o,
                                        void (*body)(void),
                                        const struct strategy_spec *spec,
                                        uint64_t seed, struct decision_log *log)
{
    return (struct schedule_request){
        .body = body,
        .program = o->replay_program,
        .program_args = o->replay_args,
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

static void *copy_of(const void *array, size_t count, size_t size)
{
    if (count == 0)
        return NULL;
    void *copy = malloc(count * size);
    if (!copy)
        abort();
    return memcpy(copy, array, count * size);
}

void request_keep(struct schedule_request *copy,
                  const struct schedule_request *original)
{
    *copy = *original;
    copy->forced = copy_of(original->forced, original->forced_count,
                           sizeof *original->forced);
    copy->postponed = copy_of(original->postponed, original->postponed_count,
                              sizeof *original->postponed);
    copy->sleep = copy_of(original->sleep, original->sleep_count,
                          sizeof *original->sleep);
    copy->lock_target =
        copy_of(original->lock_target, original->lock_target_length,
                sizeof *original->lock_target);
}

void request_release(struct schedule_request *request)
{
    free((void *)request->forced);
    free((void *)request->postponed);
    free((void *)request->sleep);
    free((void *)request->lock_target);
    request->forced = NULL;
    request->postponed = NULL;
    request->sleep = NULL;
    request->lock_target = NULL;
}
