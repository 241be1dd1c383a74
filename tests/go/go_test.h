/*
 * Go's own tests, ported: each GO_TEST runs its body as the main goroutine
 * in three modes, each a Criterion test of its own (so a fresh process):
 *
 *   parallel/NAME   the implicit runtime on every CPU (WEFT_MAXPROCS unset)
 *   maxprocs1/NAME  the implicit runtime on one thread (WEFT_MAXPROCS=1)
 *   seeded/NAME     weft_run under the seeded random strategy (virtual
 *                   time), once for each seed 1..GO_SEEDS, or only seed
 *                   $WEFT_GO_SEED
 *
 * Go's t.Fatalf and t.Errorf both become go_fatalf: the first failure ends
 * the test with weft_assert's report, naming the mode and the seed.
 */
#ifndef WEFT_TESTS_GO_TEST_H
#define WEFT_TESTS_GO_TEST_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

#include "child.h"

enum { GO_SEEDS = 20 };

enum go_mode { GO_PARALLEL, GO_MAXPROCS1, GO_SEEDED };

/* The mode and seed the running body is under, for failure messages and
 * for the few ports that scale their work to the mode. */
static enum go_mode go_mode;
static uint64_t go_seed, go_first_seed;

static void go_body_trampoline(void *body)
{
    ((void (*)(void))body)();
}

static inline void go_run(void (*body)(void), enum go_mode mode)
{
    go_mode = mode;
    if (mode == GO_SEEDED) {
        /* WEFT_GO_SEED=N runs seed N alone, to replay a failure */
        const char *only = getenv("WEFT_GO_SEED");
        go_first_seed = only ? strtoull(only, NULL, 0) : 1;
        uint64_t last = only ? go_first_seed : GO_SEEDS;
        for (go_seed = go_first_seed; go_seed <= last; go_seed++) {
            struct weft_random_strategy random;
            weft_strategy_random_init(&random, go_seed);
            struct weft_config config = {.strategy = &random.base};
            weft_run(go_body_trampoline, (void *)body, &config);
        }
        return;
    }
    /* read at the first weft call, below: a seed there would keep the
     * implicit runtime on one thread */
    unsetenv("WEFT_OPTIONS");
    if (mode == GO_PARALLEL)
        unsetenv("WEFT_MAXPROCS");
    else
        setenv("WEFT_MAXPROCS", "1", 1);
    body();
}

#define GO_TEST(name)                                                          \
    static void go_test_##name(void);                                          \
    Test(parallel, name)                                                       \
    {                                                                          \
        go_run(go_test_##name, GO_PARALLEL);                                   \
    }                                                                          \
    Test(maxprocs1, name)                                                      \
    {                                                                          \
        go_run(go_test_##name, GO_MAXPROCS1);                                  \
    }                                                                          \
    Test(seeded, name)                                                         \
    {                                                                          \
        go_run(go_test_##name, GO_SEEDED);                                     \
    }                                                                          \
    static void go_test_##name(void)

static inline const char *go_mode_name(void)
{
    static const char *names[] = {"parallel", "WEFT_MAXPROCS=1", "seeded"};
    return names[go_mode];
}

/* Go's t.Fatalf (and t.Errorf): from any goroutine, on any thread. */
#define go_fatalf(...) go_fail(__FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 3, 4), noreturn)) static inline void
go_fail(const char *file, int line, const char *format, ...)
{
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (go_mode == GO_SEEDED)
        weft_assert_fail("t.Fatal", file, line,
                         "%s (seeded, seed %llu: WEFT_GO_SEED=%llu runs it "
                         "alone)",
                         message, (unsigned long long)go_seed,
                         (unsigned long long)go_seed);
    weft_assert_fail("t.Fatal", file, line, "%s (%s)", message, go_mode_name());
}

/* Go's panic(...) in the test programs of test/chan: a failed check. */
#define go_check(condition, ...)                                               \
    ((condition) ? (void)0 : go_fatalf(__VA_ARGS__))

/* Runs fn in a child process (as the current goroutine, in the current
 * mode) and checks that it panics with message in its report, as Go's
 * recover() would see it. fn runs alone on one goroutine, so every seed
 * runs it alike: the seeded mode forks under its first seed only (each
 * child's report costs a quarter of a second). In parallel mode, call it
 * before any other weft call of the test: a child forked from worker
 * threads has none. */
static inline void go_expect_panic(void (*fn)(void), const char *message)
{
    static struct child_result result;
    if (go_mode == GO_SEEDED && go_seed != go_first_seed)
        return;
    child_run(fn, &result);
    if (result.exit_status != 2 || !strstr(result.output, message))
        go_fatalf("want a panic with \"%s\" (status 2), got status %d:\n%s",
                  message, result.exit_status, result.output);
}

#endif
