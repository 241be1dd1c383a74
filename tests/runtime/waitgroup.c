/* WaitGroup: Wait returns when the counter reaches zero, for every waiter. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"

static weft_waitgroup wg;
static int finished;

static void work(void *arg)
{
    for (int i = 0; i < *(int *)arg; i++)
        weft_yield();
    finished++;
    weft_waitgroup_done(&wg);
}

Test(waitgroup, wait_returns_after_every_done)
{
    int rounds[5] = {3, 0, 7, 1, 4};
    weft_waitgroup_add(&wg, 5);
    for (int i = 0; i < 5; i++)
        weft_go(work, &rounds[i]);
    weft_waitgroup_wait(&wg);
    cr_assert_eq(finished, 5);
}

Test(waitgroup, wait_on_zero_returns_at_once)
{
    weft_waitgroup_wait(&wg);
    cr_assert_eq(weft_goroutine_count(), 1);
}

static int waiters_released;

static void waiter(void *arg)
{
    (void)arg;
    weft_waitgroup_wait(&wg);
    waiters_released++;
}

Test(waitgroup, zero_releases_every_waiter)
{
    weft_waitgroup_add(&wg, 2);
    for (int i = 0; i < 3; i++)
        weft_go(waiter, NULL);
    weft_yield();
    cr_assert_eq(waiters_released, 0);
    weft_waitgroup_done(&wg);
    weft_yield();
    cr_assert_eq(waiters_released, 0);
    weft_waitgroup_done(&wg);
    weft_yield();
    cr_assert_eq(waiters_released, 3);
}

static void negative(void)
{
    weft_waitgroup_add(&wg, 1);
    weft_waitgroup_done(&wg);
    weft_waitgroup_done(&wg);
}

static void wait_on_group(void *arg)
{
    (void)arg;
    weft_waitgroup_wait(&wg);
}

static void reused_before_wait_returned(void)
{
    weft_waitgroup_add(&wg, 1);
    weft_go(wait_on_group, NULL);
    weft_yield();               /* the waiter parks */
    weft_waitgroup_done(&wg);   /* wakes it */
    weft_waitgroup_add(&wg, 1); /* before it returned: a reuse */
    weft_yield();               /* the waiter runs, and panics */
}

Test(waitgroup, reuse_before_wait_returned_panics)
{
    child_expect_start(reused_before_wait_returned, 2,
                       "panic: sync: WaitGroup is reused before previous "
                       "Wait has returned\n\n"
                       "goroutine 2 [running]:\n  wait_on_group() ");
}

Test(waitgroup, negative_counter_panics)
{
    child_expect_start(negative, 2,
                       "panic: sync: negative WaitGroup counter\n\n"
                       "goroutine 1 [running]:\n  negative() ");
}
