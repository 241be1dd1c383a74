/* samples/cond, as its README says: Wait under an if takes from an empty
 * queue in some schedule, found and replayed; Wait in a loop passes. */
#include "sample_test.h"

Test(cond, wait_under_if_is_found_and_replayed)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    wait_in_loop: 1000 schedules");
    expect_output(&found, "assertion failed: q->count > 0: took from an "
                          "empty queue\n");
    expect_output(&found, "  take() ");
    expect_output(&found, "FAIL  wait_in_if: assertion failed\n");
    expect_replays(&found, "wait_in_if");
}
