/*
 * Test programs that crash or leak in every schedule, for the reports the
 * harness shows: a goroutine's stack overflow, and a leak whose goroutine
 * was started a few calls below the test. A test binary of WEFT_TESTs
 * (linked with weft_main).
 */
#include <weft.h>

/* ---- a runaway recursion overflows a goroutine's stack ---- */

static volatile int keep_recursing = 1;

static int recurse(int depth)
{
    volatile char frame[128];
    frame[0] = (char)depth;
    if (!keep_recursing) /* always true; hides the recursion from -Werror */
        return 0;
    return recurse(depth + 1) + frame[0]; /* @recurse */
}

static void run_off_the_stack(void *arg)
{
    (void)arg;
    recurse(0); /* @first_call */
}

WEFT_TEST(goroutine_stack_overflow)
{
    weft_set_stack_size(64 * 1024);
    weft_go(run_off_the_stack, NULL); /* @go_overflow */
}

/* ---- a pipeline stage nobody reads from ---- */

static void produce(void *arg)
{
    for (int i = 0;; i++)
        weft_chan_send(arg, &i); /* @send */
}

static weft_chan *start_producer(void)
{
    weft_chan *out = weft_chan_make(sizeof(int), 0);
    weft_go(produce, out); /* @go_producer */
    return out;
}

WEFT_TEST(abandoned_producer_leaks)
{
    weft_chan *numbers = start_producer(); /* @start */
    int first;
    weft_chan_recv(numbers, &first);
    weft_assert(first == 0, "first is %d", first);
}

/* ---- a test that exits before it returns: not a pass (Go fails it too) */

#include <stdlib.h>

static volatile int leave_early = 1;

WEFT_TEST(exits_before_returning)
{
    if (leave_early)
        exit(0);
    weft_assert(leave_early == 2, "never reached: it would fail");
}
