/*
 * Port of $GOROOT/src/sync/waitgroup_test.go (Go 1.19): its tests, not its
 * benchmarks. Same checks; TestWaitGroupMisuse recovers the panic in Go,
 * the port sees it end a forked child (weft has no recover). Not scaled.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "go_test.h"

struct barrier {
    weft_waitgroup *wg1, *wg2;
    weft_chan *exited;
};

static void done_then_wait(void *arg)
{
    struct barrier *b = arg;
    weft_waitgroup_done(b->wg1);
    weft_waitgroup_wait(b->wg2);
    weft_chan_send(b->exited, &(bool){true});
}

static void test_wait_group(weft_waitgroup *wg1, weft_waitgroup *wg2)
{
    enum { N = 16 };
    weft_waitgroup_add(wg1, N);
    weft_waitgroup_add(wg2, N);
    static struct barrier b;
    b = (struct barrier){wg1, wg2, weft_chan_make(sizeof(bool), N)};
    for (int i = 0; i != N; i++)
        weft_go(done_then_wait, &b);
    weft_waitgroup_wait(wg1);
    for (int i = 0; i != N; i++) {
        struct weft_case exited[] = {WEFT_RECV_CASE(b.exited, NULL)};
        if (weft_select_default(exited, 1) == 0)
            go_fatalf("WaitGroup released group too soon");
        weft_waitgroup_done(wg2);
    }
    for (int i = 0; i != N; i++)
        weft_chan_recv(b.exited, NULL); /* blocks if the barrier fails */
}

GO_TEST(TestWaitGroup)
{
    static weft_waitgroup wg1, wg2;
    wg1 = wg2 = (weft_waitgroup){0};
    /* Run the same test a few times to ensure barrier is in a proper
     * state. */
    for (int i = 0; i != 8; i++)
        test_wait_group(&wg1, &wg2);
}

static void done_twice(void)
{
    weft_waitgroup wg = {0};
    weft_waitgroup_add(&wg, 1);
    weft_waitgroup_done(&wg);
    weft_waitgroup_done(&wg);
    go_fatalf("Should panic");
}

GO_TEST(TestWaitGroupMisuse)
{
    go_expect_panic(done_twice, "sync: negative WaitGroup counter");
}

struct counted {
    weft_waitgroup wg;
    atomic_int n;
};

static void add_one(void *arg)
{
    struct counted *c = arg;
    atomic_fetch_add(&c->n, 1);
    weft_waitgroup_done(&c->wg);
}

GO_TEST(TestWaitGroupRace)
{
    for (int i = 0; i < 1000; i++) {
        /* as Go's, on the heap and never freed: a goroutine may still be
         * on its way out of Done when Wait returns */
        struct counted *c = calloc(1, sizeof *c);
        /* spawn goroutine 1 */
        weft_waitgroup_add(&c->wg, 1);
        weft_go(add_one, c);
        /* spawn goroutine 2 */
        weft_waitgroup_add(&c->wg, 1);
        weft_go(add_one, c);
        /* Wait for goroutine 1 and 2 */
        weft_waitgroup_wait(&c->wg);
        if (atomic_load(&c->n) != 2)
            go_fatalf("Spurious wakeup from Wait");
    }
}

struct after_a_byte {
    char x;
    weft_waitgroup wg;
};

static void done_after_a_byte(void *arg)
{
    struct after_a_byte *x = arg;
    weft_waitgroup_done(&x->wg);
}

/* Go checks its 64-bit counter works after a byte on 32-bit platforms; a
 * C compiler aligns the member, so this is the plain case there. */
GO_TEST(TestWaitGroupAlign)
{
    static struct after_a_byte x;
    weft_waitgroup_add(&x.wg, 1);
    weft_go(done_after_a_byte, &x);
    weft_waitgroup_wait(&x.wg);
}
