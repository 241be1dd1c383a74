/* samples/waitgroup, as its README says: Add inside the goroutine lets Wait
 * return early, found with a seed that replays; Add before go passes. */
#include "sample_test.h"

Test(waitgroup, add_inside_the_goroutine_is_found_and_replayed)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    add_before_go: 1000 schedules");
    expect_output(&found, "assertion failed: total == sum_of(numbers, "
                          "NUMBERS): joined sum ");
    expect_output(&found, ", want 5050\n");
    expect_output(&found, "--- minimised to 0 preemptions, ");
    expect_output(&found, "FAIL  add_inside_goroutine: assertion failed\n");
    expect_replays(&found, "add_inside_goroutine");
}
