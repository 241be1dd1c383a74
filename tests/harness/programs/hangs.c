/*
 * Tests that never end, each a different way: the harness must give each a
 * hang verdict soon, with every goroutine's stack and a plain statement of
 * what kept running. A test binary of WEFT_TESTs (linked with weft_main).
 * (A goroutine spinning with no weft call is tests/harness/hang.c's own: it
 * needs a short time limit, which only weft_explore sets.)
 */
#include <stdbool.h>
#include <weft.h>

/* ---- a livelock: three goroutines yielding to each other forever ---- */

static void yield_forever(void *arg)
{
    (void)arg;
    for (;;)
        weft_yield(); /* @livelock_yield */
}

WEFT_TEST(livelock_of_three_yielders)
{
    weft_go(yield_forever, NULL);
    weft_go(yield_forever, NULL);
    yield_forever(NULL); /* @livelock_main */
}

/* ---- one goroutine alone, yielding forever: no choice is ever made ---- */

WEFT_TEST(lone_yield_loop)
{
    for (;;)
        weft_yield(); /* @lone_yield */
}

/* ---- a poller that never stops, still ticking after the test returns ---- */

static void poll_forever(void *arg)
{
    (void)arg;
    for (;;)
        weft_sleep(WEFT_MILLISECOND); /* @poller */
}

WEFT_TEST(poller_outlives_the_test)
{
    weft_go(poll_forever, NULL); /* @poller_go */
}
