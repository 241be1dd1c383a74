/*
 * Running a scenario under several seeded schedules and counting the races
 * the detector reports, for tests that assert exact verdicts. Included by
 * test files compiled with -fsanitize=thread.
 */
#ifndef WEFT_TESTS_RACE_TEST_H
#define WEFT_TESTS_RACE_TEST_H

#include <criterion/criterion.h>
#include <weft.h>

#include "detector.h"

enum { RACE_TEST_SEEDS = 12 };

/* Races reported by one run of scenario under seed (0: FIFO). */
static inline uint64_t races_under(weft_fn scenario, uint64_t seed)
{
    detector_forget_races();
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = seed ? &random.base : NULL};
    weft_run(scenario, NULL, &config);
    uint64_t races = detector_races_found();
    detector_forget_races(); /* the test process exits 0 */
    return races;
}

/* A race that does not hinge on the order of synchronisation: reported
 * under FIFO and every seed. */
static inline void expect_race_always(weft_fn scenario)
{
    cr_assert(detector_enabled());
    for (uint64_t seed = 0; seed <= RACE_TEST_SEEDS; seed++)
        cr_assert(races_under(scenario, seed) > 0,
                  "no race reported under seed %llu", (unsigned long long)seed);
}

/* A race some schedules avoid: reported under at least one seed. */
static inline void expect_race_sometimes(weft_fn scenario)
{
    cr_assert(detector_enabled());
    uint64_t runs_with_race = 0;
    for (uint64_t seed = 0; seed <= RACE_TEST_SEEDS; seed++)
        runs_with_race += races_under(scenario, seed) > 0;
    cr_assert(runs_with_race > 0, "no race under any seed");
}

/* Correct synchronisation: no report under FIFO or any seed. */
static inline void expect_no_race(weft_fn scenario)
{
    cr_assert(detector_enabled());
    for (uint64_t seed = 0; seed <= RACE_TEST_SEEDS; seed++)
        cr_assert(races_under(scenario, seed) == 0,
                  "race reported under seed %llu", (unsigned long long)seed);
}

#endif
