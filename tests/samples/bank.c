/* samples/bank, as its README says: the check-then-act bug is found with a
 * seed that replays, minimised to one preemption; the fix passes. */
#include "sample_test.h"

Test(bank, check_then_act_is_found_minimised_and_replayed)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    check_and_act_atomically: 1000 schedules");
    expect_output(&found, "assertion failed: account.balance >= 0: balance "
                          "went negative: -60\n");
    expect_output(&found, "--- minimised to 1 preemption, ");
    expect_output(&found, "FAIL  check_then_act: assertion failed\n");
    expect_replays(&found, "check_then_act");
}
