/* Mutex: exclusion, FIFO hand-off, TryLock, unlock by another goroutine. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"

static weft_mutex mu;
static char order[16];
static int order_length;

static void lock_and_note(void *arg)
{
    weft_mutex_lock(&mu);
    order[order_length++] = *(char *)arg;
    weft_mutex_unlock(&mu);
}

Test(mutex, waiters_get_the_lock_in_fifo_order)
{
    weft_mutex_lock(&mu);
    weft_go(lock_and_note, "a");
    weft_go(lock_and_note, "b");
    weft_go(lock_and_note, "c");
    weft_yield();
    cr_assert_eq(order_length, 0);
    weft_mutex_unlock(&mu);
    while (weft_goroutine_count() > 1)
        weft_yield();
    cr_assert_str_eq(order, "abc");
}

Test(mutex, trylock_fails_while_held_and_succeeds_when_free)
{
    cr_assert(weft_mutex_trylock(&mu));
    cr_assert_not(weft_mutex_trylock(&mu));
    weft_mutex_unlock(&mu);
    cr_assert(weft_mutex_trylock(&mu));
}

static void unlock_it(void *arg)
{
    weft_mutex_unlock(arg);
}

Test(mutex, another_goroutine_may_unlock)
{
    weft_mutex_lock(&mu);
    weft_go(unlock_it, &mu);
    weft_mutex_lock(&mu); /* blocks until the other goroutine unlocks */
    cr_assert(mu.locked);
}

struct counter {
    weft_mutex mu;
    long value;
};

static void increment_with_yields(void *arg)
{
    struct counter *c = arg;
    for (int i = 0; i < 100; i++) {
        weft_mutex_lock(&c->mu);
        long v = c->value;
        weft_yield(); /* a preemption inside the critical section */
        c->value = v + 1;
        weft_mutex_unlock(&c->mu);
    }
}

static void four_incrementers(void *arg)
{
    struct counter *c = arg;
    for (int i = 0; i < 4; i++)
        weft_go(increment_with_yields, c);
    while (weft_goroutine_count() > 1)
        weft_yield();
}

Test(mutex, excludes_under_every_seed)
{
    for (uint64_t seed = 1; seed <= 30; seed++) {
        struct counter c = {0};
        struct weft_random_strategy random;
        weft_strategy_random_init(&random, seed);
        struct weft_config config = {.strategy = &random.base};
        weft_run(four_incrementers, &c, &config);
        cr_assert_eq(c.value, 400, "seed %llu", (unsigned long long)seed);
    }
}

static void unlock_unlocked(void)
{
    weft_mutex m = {0};
    weft_mutex_unlock(&m);
}

Test(mutex, unlock_of_unlocked_mutex_panics)
{
    child_expect_start(unlock_unlocked, 2,
                       "panic: sync: unlock of unlocked mutex\n\n"
                       "goroutine 1 [running]:\n  unlock_unlocked() ");
}
