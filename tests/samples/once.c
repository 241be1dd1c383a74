/* samples/once, as its README says: the unsynchronised singleton races on
 * its pointer, reported and replayed; weft_once_do is clean. */
#include "sample_test.h"

Test(once, unsynchronised_singleton_races)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    once_singleton: 1000 schedules");
    expect_output(&found, "FAIL  unsynchronised_singleton: data race\n");
    expect_output(&found, "WARNING: DATA RACE\n");
    expect_output(&found, "  get_connection_unsynchronised() ");
    expect_replays(&found, "unsynchronised_singleton");
}
