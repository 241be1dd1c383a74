/* Goroutines: ids, order, yield, exit, stack sizes, a million live ones
 * (stack overflows: tests/runtime/crash.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

#include "child.h"

static char order[64];
static size_t order_length;

static void note(char c)
{
    order[order_length++] = c;
    order[order_length] = '\0';
}

static void record_id(void *out)
{
    *(uint64_t *)out = weft_id();
}

Test(goroutine, main_is_one_and_ids_count_up)
{
    cr_assert_eq(weft_id(), 1);
    uint64_t seen[3];
    for (int i = 0; i < 3; i++)
        cr_assert_eq(weft_go(record_id, &seen[i]), (uint64_t)i + 2);
    weft_yield();
    for (int i = 0; i < 3; i++)
        cr_assert_eq(seen[i], (uint64_t)i + 2);
}

static void yielder(void *arg)
{
    for (int i = 0; i < 3; i++) {
        note(*(char *)arg);
        weft_yield();
    }
}

Test(goroutine, yield_round_robins_in_fifo_order)
{
    weft_go(yielder, "a");
    weft_go(yielder, "b");
    for (int i = 0; i < 4; i++)
        weft_yield();
    cr_assert_str_eq(order, "ababab");
}

static void exits_early(void *arg)
{
    note('x');
    weft_waitgroup_done(arg);
    weft_exit();
    note('!');
}

Test(goroutine, exit_ends_only_the_caller)
{
    weft_waitgroup wg = {0};
    weft_waitgroup_add(&wg, 1);
    weft_go(exits_early, &wg);
    weft_waitgroup_wait(&wg);
    weft_yield();
    cr_assert_str_eq(order, "x");
    cr_assert_eq(weft_goroutine_count(), 1);
}

static void deep(void *arg)
{
    /* touch most of the stack: it really is as big as asked */
    volatile char big[200 * 1024];
    big[0] = 1;
    big[sizeof big - 1] = 2;
    *(int *)arg = big[0] + big[sizeof big - 1];
}

Test(goroutine, stack_size_is_settable_and_usable)
{
    weft_set_stack_size(512 * 1024);
    cr_assert_eq(weft_stack_size(), 512 * 1024);
    int result = 0;
    weft_go(deep, &result);
    weft_yield();
    cr_assert_eq(result, 3);
}

Test(goroutine, stack_size_comes_from_the_environment)
{
    setenv("WEFT_STACK_SIZE", "96K", 1);
    cr_assert_eq(weft_stack_size(), 96 * 1024);
}

static const char *stack_size_value;

static void start_with_stack_size(void)
{
    setenv("WEFT_STACK_SIZE", stack_size_value, 1);
    weft_id();
}

/* The program stops at its first weft call: one line, status 2. */
static void expect_stack_size_rejected(const char *value)
{
    stack_size_value = value;
    struct child_result r;
    child_run(start_with_stack_size, &r);
    cr_assert_eq(r.exit_status, 2);
    char expected[160];
    snprintf(expected, sizeof expected,
             "weft: WEFT_STACK_SIZE: expected bytes from 1 to 1G, e.g. 65536 "
             "or 64K: %s\n",
             value);
    cr_assert_str_eq(r.output, expected);
}

Test(goroutine, bad_stack_size_is_rejected_with_a_reason)
{
    expect_stack_size_rejected("lots");
}

Test(goroutine, stack_size_beyond_the_largest_stack_is_rejected)
{
    expect_stack_size_rejected("18446744073709551615");
}

static void set_huge_stack_size(void)
{
    weft_set_stack_size(SIZE_MAX);
}

Test(goroutine, set_stack_size_beyond_the_largest_stack_panics)
{
    child_expect_start(set_huge_stack_size, 2,
                       "panic: weft_set_stack_size: 18446744073709551615 "
                       "bytes is more than the largest stack (1 GiB)\n");
}

static void park_on(void *arg)
{
    weft_waitgroup_wait(arg);
}

Test(goroutine, a_million_live_goroutines, .timeout = 120)
{
    enum { N = 1000000 };
    weft_set_stack_size(16 * 1024);
    weft_waitgroup gate = {0};
    weft_waitgroup_add(&gate, 1);
    for (int i = 0; i < N; i++)
        weft_go(park_on, &gate);
    weft_yield(); /* every one runs and parks */
    cr_assert_eq(weft_goroutine_count(), N + 1);
    weft_waitgroup_done(&gate);
    weft_yield();
    cr_assert_eq(weft_goroutine_count(), 1);
}

static void main_returns(void *arg)
{
    (void)arg;
    weft_go(yielder, "z");
}

Test(goroutine, program_ends_when_main_returns)
{
    cr_assert_eq(weft_run(main_returns, NULL, NULL), 0);
    cr_assert_str_eq(order, "");
    /* and the runtime can run again */
    cr_assert_eq(weft_run(main_returns, NULL, NULL), 0);
}
