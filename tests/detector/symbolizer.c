/* Symbolizing is weft's own work: libdw's allocations, made for whichever
 * goroutine first needed a lookup and grown for another, are not the user's
 * accesses. Checked, they raced, and the race report's own lookup deadlocked
 * on the symbolizer's lock. A trace with source locations symbolizes at
 * every scheduling point, in each goroutine in turn. */
#include <unistd.h>

#include "child.h"
#include "race_test.h"

static weft_waitgroup done;

static void step_around(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++) {
        weft_yield();
        weft_sleep(WEFT_MILLISECOND);
    }
    weft_waitgroup_done(&done);
}

static void goroutines_stepping(void *arg)
{
    (void)arg;
    weft_waitgroup_add(&done, 3);
    for (int i = 0; i < 3; i++)
        weft_go(step_around, NULL);
    weft_waitgroup_wait(&done);
}

static void traced_with_locations(void)
{
    alarm(5); /* the deadlock, should it come back */
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, 1);
    FILE *trace = tmpfile();
    struct weft_config config = {
        .strategy = &random.base, .trace_file = trace, .trace_locations = true};
    weft_run(goroutines_stepping, NULL, &config);
    printf("races: %llu\n", (unsigned long long)detector_races_found());
    detector_forget_races();
}

Test(symbolizer, lookups_in_many_goroutines_are_not_races)
{
    cr_assert(detector_enabled());
    struct child_result r;
    child_run(traced_with_locations, &r);
    cr_assert_eq(r.signal, 0, "killed by signal %d:\n%s", r.signal, r.output);
    cr_assert_str_eq(r.output, "races: 0\n");
}
