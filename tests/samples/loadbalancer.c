/* samples/loadbalancer, as its README says: every result arrives exactly
 * once in every schedule, whatever the number of workers. */
#include "sample_test.h"

Test(loadbalancer, correct_for_any_number_of_workers)
{
    static struct run r;
    weft_test_sample(&r, "");
    cr_assert_eq(r.status, 0, "%s", r.output);
    expect_output(&r, "ok    more_workers_than_work: 1000 schedules");
    expect_output(&r, "ok    one_worker: 1000 schedules");
    expect_output(&r, "ok    three_workers: 1000 schedules");
    expect_output(&r, "PASS: 0 of 3 tests failed\n");
}
