/* samples/context, as its README says: the request completes, times out or
 * is cancelled with exactly the results due by then, and every worker has
 * stopped (no leak) in every schedule. */
#include "sample_test.h"

Test(context, every_worker_stops_on_timeout_or_cancel)
{
    static struct run r;
    weft_test_sample(&r, "");
    cr_assert_eq(r.status, 0, "%s", r.output);
    expect_output(&r, "ok    client_cancels: 1000 schedules");
    expect_output(&r, "ok    request_completes: 1000 schedules");
    expect_output(&r, "ok    request_times_out: 1000 schedules");
    expect_output(&r, "PASS: 0 of 3 tests failed\n");
}
