/* samples/balancer, as its README says: every request answered correctly,
 * always by a least loaded worker, in every schedule. */
#include "sample_test.h"

Test(balancer, least_loaded_worker_in_every_schedule)
{
    static struct run r;
    weft_test_sample(&r, "");
    cr_assert_eq(r.status, 0, "%s", r.output);
    expect_output(&r, "ok    more_requesters_than_workers: 1000 schedules");
    expect_output(&r, "ok    more_workers_than_requesters: 1000 schedules");
    expect_output(&r, "PASS: 0 of 2 tests failed\n");
}
