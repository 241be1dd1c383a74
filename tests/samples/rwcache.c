/* samples/rwcache, as its README says: readers and a writer are clean under
 * the race detector; a recursive RLock deadlocks behind a waiting writer,
 * found and replayed. */
#include "sample_test.h"

Test(rwcache, recursive_rlock_deadlocks_behind_a_writer)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    read_mostly: 1000 schedules");
    expect_output(&found, "fatal error: all goroutines are asleep - "
                          "deadlock!\n");
    expect_output(&found, " [rwmutex rlock]:\n  price_of() ");
    expect_output(&found, " [rwmutex lock]:\n  refresh() ");
    expect_output(&found, "FAIL  recursive_rlock: deadlock\n");
    expect_replays(&found, "recursive_rlock");
}
