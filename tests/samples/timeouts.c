/* samples/timeouts, as its README says: the whole output on the virtual
 * clock; the non-blocking part, which needs no clock, on the real one. */
#include "sample_test.h"

#define NON_BLOCKING                                                           \
    "no message received\n"                                                    \
    "no message sent\n"                                                        \
    "no activity\n"                                                            \
    "sent message 2\n"                                                         \
    "no message sent\n"                                                        \
    "received message 2\n"

static const char virtual_output[] =
    "query taking 10 ms, timeout 50 ms: answer 42\n"
    "query taking 200 ms, timeout 50 ms: timed out\n" NON_BLOCKING
    "tick at 100 ms\n"
    "tick at 200 ms\n"
    "tick at 300 ms\n"
    "deadline at 350 ms\n";

Test(timeouts, exact_output_on_the_virtual_clock)
{
    static struct run r;
    for (int seed = 1; seed <= 3; seed++) {
        run_command(&r, "WEFT_OPTIONS=seed=%d %s", seed, SAMPLE);
        cr_assert_eq(r.status, 0, "%s", r.output);
        cr_assert_str_eq(r.output, virtual_output);
    }
}

Test(timeouts, non_blocking_operations_on_the_real_clock)
{
    static struct run r;
    run_command(&r, "%s", SAMPLE);
    cr_assert_eq(r.status, 0, "%s", r.output);
    expect_output(&r, "\n" NON_BLOCKING "tick at ");
}
