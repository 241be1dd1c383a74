/* samples/bookcache, as its README says: the unguarded cache races, with
 * both stacks; the Mutex, RWMutex and first-answer versions are clean. */
#include "sample_test.h"

Test(bookcache, unguarded_cache_races_and_the_fixes_are_clean)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "ok    first_answer: 1000 schedules");
    expect_output(&found, "ok    mutex_cache: 1000 schedules");
    expect_output(&found, "ok    rwmutex_cache: 1000 schedules");
    expect_output(&found, "FAIL  unguarded_cache: data race\n");
    expect_output(&found, "FAIL: 1 of 4 tests failed\n");
    expect_output(&found, "WARNING: DATA RACE\n");
    expect_output(&found, "  query_database() ");
    expect_output(&found, "  query_cache() ");
    expect_output(&found, "  access: mov ");
    expect_output(&found, " created at:\n  run_queries() ");
    expect_replays(&found, "unguarded_cache");
}
