/* Once: fn runs exactly once; every caller returns after it completed. */
#include <criterion/criterion.h>
#include <weft.h>

static weft_once once;
static int runs;
static int finished_before_return;

static void init_slowly(void *arg)
{
    (void)arg;
    runs++;
    weft_yield(); /* others call once_do meanwhile */
    weft_yield();
    finished_before_return = 1;
}

static int returns_after_init;

static void caller(void *arg)
{
    (void)arg;
    weft_once_do(&once, init_slowly, NULL);
    returns_after_init += finished_before_return;
}

Test(once, runs_once_and_every_caller_waits_for_it)
{
    for (int i = 0; i < 4; i++)
        weft_go(caller, NULL);
    while (weft_goroutine_count() > 1)
        weft_yield();
    cr_assert_eq(runs, 1);
    cr_assert_eq(returns_after_init, 4);
    weft_once_do(&once, init_slowly, NULL);
    cr_assert_eq(runs, 1);
}

static weft_once exiting_once;
static int exiting_runs;
static weft_waitgroup returned;

static void exit_midway(void *arg)
{
    (void)arg;
    exiting_runs++;
    weft_yield(); /* the others wait in once_do meanwhile */
    weft_exit();
}

static void run_exit_midway(void *arg)
{
    (void)arg;
    weft_once_do(&exiting_once, exit_midway, NULL);
    cr_assert_fail("once_do returned to a goroutine its fn ended");
}

static void count_exiting_run(void *arg)
{
    (void)arg;
    exiting_runs++;
}

static void wait_in_once(void *arg)
{
    (void)arg;
    weft_once_do(&exiting_once, count_exiting_run, NULL);
    weft_waitgroup_done(&returned);
}

Test(once, fn_that_exits_its_goroutine_completes_the_once)
{
    /* as Go's runtime.Goexit in f: f counts as returned */
    weft_waitgroup_add(&returned, 2);
    weft_go(run_exit_midway, NULL);
    weft_go(wait_in_once, NULL);
    weft_go(wait_in_once, NULL);
    weft_waitgroup_wait(&returned); /* a deadlock if they never wake */
    weft_once_do(&exiting_once, count_exiting_run, NULL);
    cr_assert_eq(exiting_runs, 1);
    cr_assert_eq(weft_goroutine_count(), 1);
}
