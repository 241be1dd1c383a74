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
