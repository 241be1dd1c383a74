/* samples/pipeline, as its README says: the same sum whatever the number of
 * workers and whatever the schedule; a usage error otherwise. */
#include "sample_test.h"

static void expect_sum(const char *args, const char *options, const char *sum)
{
    static struct run r;
    run_command(&r, "WEFT_OPTIONS='%s' %s %s", options, SAMPLE, args);
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, sum);
}

Test(pipeline, sum_is_the_same_for_any_number_of_workers)
{
    expect_sum("", "", "sum of squares 1..100 over 4 workers: 338350\n");
    expect_sum("1 10", "", "sum of squares 1..10 over 1 workers: 385\n");
    expect_sum("16 1000", "",
               "sum of squares 1..1000 over 16 workers: 333833500\n");
    expect_sum("3 0", "", "sum of squares 1..0 over 3 workers: 0\n");
}

Test(pipeline, sum_is_the_same_under_any_schedule)
{
    const char *seeds[] = {"seed=1", "seed=2", "seed=0x5eed", "seed=99"};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
        expect_sum("5 50", seeds[i],
                   "sum of squares 1..50 over 5 workers: 42925\n");
}

Test(pipeline, bad_arguments_are_a_usage_error)
{
    static struct run r;
    run_command(&r, "%s 0", SAMPLE);
    cr_assert_eq(r.status, 2, "%s", r.output);
    cr_assert_str_eq(r.output, "usage: pipeline [WORKERS>=1] [COUNT>=0]\n");
}
