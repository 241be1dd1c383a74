/* samples/waitgroup, as its README says: Add inside the goroutine lets
 * Wait return early (the sum short; the default finds it with no
 * preemption), and lets a worker add under a Wait already released (a
 * panic, as in Go, found under surw), each with a seed that replays; Add
 * before go passes. */
#include "sample_test.h"

Test(waitgroup, wait_returning_early_is_found_and_replayed)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    add_before_go: 1000 schedules");
    expect_output(&found, "assertion failed: total == sum_of(numbers, "
                          "NUMBERS): joined sum 0, want 5050\n");
    expect_output(&found, "  fork_join() ");
    expect_output(&found, "--- minimised to 0 preemptions, ");
    expect_output(&found, "FAIL  add_inside_goroutine: assertion failed\n");
    expect_replays(&found, "add_inside_goroutine");
}

Test(waitgroup, add_inside_the_goroutine_panics_under_surw)
{
    static struct run found;
    weft_test_sample(&found, "add_inside_goroutine --strategy surw");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "panic: sync: WaitGroup is reused before previous "
                          "Wait has returned\n");
    expect_output(&found, "  fork_join() ");
    expect_output(&found, "--- minimised to 4 preemptions, ");
    expect_output(&found, "FAIL  add_inside_goroutine: panic\n");
    expect_replays(&found, "add_inside_goroutine");
}
