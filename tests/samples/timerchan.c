/* samples/timerchan, as its README says: on the virtual clock (a seeded
 * schedule) the times are exact; on the real clock they are at least the
 * sleeps. */
#include "sample_test.h"

static const char virtual_output[] =
    "meanwhile, main summed 1..1000: 500500\n"
    "the goroutine completed 100 ms after it started\n"
    "weft_after(50 ms) delivered 50 ms after that\n";

Test(timerchan, exact_times_on_the_virtual_clock)
{
    static struct run r;
    for (int seed = 1; seed <= 3; seed++) {
        run_command(&r, "WEFT_OPTIONS=seed=%d %s", seed, SAMPLE);
        cr_assert_eq(r.status, 0, "%s", r.output);
        cr_assert_str_eq(r.output, virtual_output);
    }
}

Test(timerchan, at_least_the_sleeps_on_the_real_clock)
{
    static struct run r;
    run_command(&r, "%s", SAMPLE);
    cr_assert_eq(r.status, 0, "%s", r.output);
    long completed = 0, after = 0;
    int matched = sscanf(r.output,
                         "meanwhile, main summed 1..1000: 500500\n"
                         "the goroutine completed %ld ms after it started\n"
                         "weft_after(50 ms) delivered %ld ms after that\n",
                         &completed, &after);
    cr_assert_eq(matched, 2, "%s", r.output);
    cr_assert_geq(completed, 100, "%s", r.output);
    cr_assert_geq(after, 50, "%s", r.output);
}
