/* samples/replicas, as its README says: over a buffered channel the fastest
 * replica wins and nothing is left behind; over an unbuffered one the two
 * losers leak, reported with their stacks, and the report replays. */
#include "sample_test.h"

Test(replicas, unbuffered_channel_leaks_the_losers)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    buffered_first_answer_wins: 1000 schedules");
    expect_output(&found, "FAIL  unbuffered_leaks_the_losers: goroutine "
                          "leak\n");
    expect_output(&found, "leak: 2 goroutines still blocked when the test "
                          "returned\n");
    expect_output(&found, " [chan send]:\n  result_chan_send() ");
    expect_output(&found, "\n  ask_replica() ");
    expect_output(&found, "\ncreated by goroutine 1 at:\n  query() ");
    expect_replays(&found, "unbuffered_leaks_the_losers");
}
