/* The same seed gives the same run, byte for byte; other seeds differ. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#include "child.h"

struct shared {
    weft_chan *c;
    weft_mutex mu;
    weft_waitgroup wg;
    char log[4096];
    size_t length;
};

static void append(struct shared *s, const char *text)
{
    size_t n = strlen(text);
    memcpy(s->log + s->length, text, n);
    s->length += n;
}

static void chatter(void *arg)
{
    struct shared *s = arg;
    char line[32];
    for (int i = 0; i < 5; i++) {
        weft_mutex_lock(&s->mu);
        snprintf(line, sizeof line, "g%llu:%d ", (unsigned long long)weft_id(),
                 i);
        append(s, line);
        weft_mutex_unlock(&s->mu);
        weft_chan_send(s->c, &i);
    }
    weft_waitgroup_done(&s->wg);
}

static void drain(void *arg)
{
    struct shared *s = arg;
    int v;
    weft_chan_range (s->c, v)
        weft_sleep(v * WEFT_MILLISECOND);
}

static void scenario(void *arg)
{
    struct shared *s = arg;
    s->c = weft_chan_make(sizeof(int), 2);
    weft_waitgroup_add(&s->wg, 3);
    for (int i = 0; i < 3; i++)
        weft_go(chatter, s);
    weft_go(drain, s);
    weft_waitgroup_wait(&s->wg);
    weft_chan_close(s->c);
}

/* Runs the scenario under seed; returns the trace and fills the log. */
static char *traced_run(uint64_t seed, struct shared *s)
{
    char *trace = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&trace, &size);
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = &random.base, .trace_file = out};
    memset(s, 0, sizeof *s);
    weft_run(scenario, s, &config);
    fclose(out);
    return trace;
}

Test(determinism, same_seed_same_trace_and_output)
{
    struct shared a, b;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        char *first = traced_run(seed, &a);
        char *second = traced_run(seed, &b);
        cr_assert_gt(strlen(first), 100);
        cr_assert_str_eq(first, second, "seed %llu", (unsigned long long)seed);
        cr_assert_eq(a.length, b.length);
        cr_assert(memcmp(a.log, b.log, a.length) == 0);
        free(first);
        free(second);
    }
}

Test(determinism, different_seeds_explore_different_interleavings)
{
    struct shared s;
    char *reference = traced_run(1, &s);
    int different = 0;
    for (uint64_t seed = 2; seed <= 10; seed++) {
        char *trace = traced_run(seed, &s);
        different += strcmp(trace, reference) != 0;
        free(trace);
    }
    free(reference);
    cr_assert_geq(different, 8);
}

static void traced_by_environment(void)
{
    setenv("WEFT_OPTIONS", "seed=0x2a trace=stdout", 1);
    struct shared s;
    memset(&s, 0, sizeof s);
    weft_run(scenario, &s, NULL);
}

Test(determinism, weft_options_seed_replays_the_configured_seed)
{
    struct child_result r;
    child_run(traced_by_environment, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    struct shared s;
    char *expected = traced_run(42, &s);
    cr_assert_str_eq(r.output, expected);
    free(expected);
}

static void bad_seed(void)
{
    setenv("WEFT_OPTIONS", "seed=banana", 1);
    weft_id();
}

static void unknown_option(void)
{
    setenv("WEFT_OPTIONS", "seed=1 colour=blue", 1);
    weft_id();
}

Test(determinism, bad_options_are_rejected_with_a_reason)
{
    struct child_result r;
    child_run(bad_seed, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert_str_eq(r.output, "weft: WEFT_OPTIONS: bad seed: seed=banana\n");
    child_run(unknown_option, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert_str_eq(r.output,
                     "weft: WEFT_OPTIONS: unknown option: colour=blue\n");
}
