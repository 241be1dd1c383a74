/*
 * Port of $GOROOT/src/runtime/chan_test.go (Go 1.19): its tests, not its
 * benchmarks. Same checks and structure; Go's closures become a struct of
 * what they capture (allocated and never freed where a goroutine may
 * outlive the block, as Go's garbage collector would keep it).
 *
 * Scaled, for a suite that runs each test 22 times: testing.Short()'s
 * counts where Go has them (TestChan: capacities 0..19;
 * TestNonblockRecvRace: 100 rounds; TestNonblockSelectRace(2): 1000;
 * TestSelectStress: N = 10000), and TestMultiConsumer 27183 values
 * instead of 271828 (the seeded runs took 4.5 s for it alone).
 * Left out:
 *  - runtime.GOMAXPROCS(n) around TestChan, TestSelfSelect and
 *    TestSelectStress: weft reads WEFT_MAXPROCS once; the mode sets it;
 *  - runtime.GC() in TestShrinkStackDuringBlockedSend,
 *    TestNoShrinkStackWhileParking and TestSelectStackAdjust: weft has no
 *    garbage collector and never moves or shrinks a stack. Their channel
 *    operations and stack use stay, so they still check the values and
 *    pointers that cross a channel while its goroutines use deep stacks;
 *  - t.Log.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "go_test.h"

/* Uses about 1 KiB of stack per level, as Go's (proc_test.go). */
static void stack_growth_recursive(int i)
{
    volatile uint64_t pad[128];
    memset((void *)pad, 0, sizeof pad);
    for (size_t j = 0; j < 128; j++)
        if (pad[j] != 0)
            return;
    if (i != 0)
        stack_growth_recursive(i - 1);
}

static void *new_zeroed(size_t size)
{
    void *p = calloc(1, size);
    if (!p)
        abort();
    return p;
}

static int recv_int(weft_chan *c)
{
    int v;
    weft_chan_recv(c, &v);
    return v;
}

static void send_int(weft_chan *c, int v)
{
    weft_chan_send(c, &v);
}

/* ---- TestChan ---- */

enum { TEST_CHAN_CAPACITIES = 20, STRESS_P = 4, STRESS_L = 1000 };

struct empty_recv {
    weft_chan *c;
    atomic_bool recv1, recv2;
};

static void recv_then_flag1(void *arg)
{
    struct empty_recv *s = arg;
    weft_chan_recv(s->c, NULL);
    atomic_store(&s->recv1, true);
}

static void recv_ok_then_flag2(void *arg)
{
    struct empty_recv *s = arg;
    weft_chan_recv_ok(s->c, NULL);
    atomic_store(&s->recv2, true);
}

/* Ensure that receive from empty chan blocks. */
static void receive_from_empty_blocks(int cap)
{
    struct empty_recv *s = new_zeroed(sizeof *s);
    s->c = weft_chan_make(sizeof(int), (size_t)cap);
    weft_go(recv_then_flag1, s);
    weft_go(recv_ok_then_flag2, s);
    weft_sleep(WEFT_MILLISECOND);
    if (atomic_load(&s->recv1) || atomic_load(&s->recv2))
        go_fatalf("chan[%d]: receive from empty chan", cap);
    /* Ensure that non-blocking receive does not block. */
    struct weft_case recv[] = {WEFT_RECV_CASE(s->c, NULL)};
    if (weft_select_default(recv, 1) == 0)
        go_fatalf("chan[%d]: receive from empty chan", cap);
    if (weft_select_default(recv, 1) == 0) /* Go's `case _, _ = <-c` */
        go_fatalf("chan[%d]: receive from empty chan", cap);
    send_int(s->c, 0);
    send_int(s->c, 0);
}

struct full_send {
    weft_chan *c;
    atomic_uint sent;
};

static void send_then_flag(void *arg)
{
    struct full_send *s = arg;
    send_int(s->c, 0);
    atomic_store(&s->sent, 1);
}

/* Ensure that send to full chan blocks. */
static void send_to_full_blocks(int cap)
{
    struct full_send *s = new_zeroed(sizeof *s);
    s->c = weft_chan_make(sizeof(int), (size_t)cap);
    for (int i = 0; i < cap; i++)
        send_int(s->c, i);
    weft_go(send_then_flag, s);
    weft_sleep(WEFT_MILLISECOND);
    if (atomic_load(&s->sent) != 0)
        go_fatalf("chan[%d]: send to full chan", cap);
    /* Ensure that non-blocking send does not block. */
    struct weft_case send[] = {WEFT_SEND_CASE(s->c, &(int){0})};
    if (weft_select_default(send, 1) == 0)
        go_fatalf("chan[%d]: send to full chan", cap);
    weft_chan_recv(s->c, NULL);
}

/* Ensure that we receive 0 from closed chan. */
static void receive_zero_from_closed(int cap)
{
    weft_chan *c = weft_chan_make(sizeof(int), (size_t)cap);
    for (int i = 0; i < cap; i++)
        send_int(c, i);
    weft_chan_close(c);
    for (int i = 0; i < cap; i++) {
        int v = recv_int(c);
        if (v != i)
            go_fatalf("chan[%d]: received %d, expected %d", cap, v, i);
    }
    int v = recv_int(c);
    if (v != 0)
        go_fatalf("chan[%d]: received %d, expected %d", cap, v, 0);
    v = -1;
    bool ok = weft_chan_recv_ok(c, &v);
    if (v != 0 || ok)
        go_fatalf("chan[%d]: received %d/%d, expected %d/%d", cap, v, ok, 0,
                  false);
    weft_chan_free(c);
}

struct close_unblocks {
    weft_chan *c, *done;
};

static void recv_report_zero(void *arg)
{
    struct close_unblocks *s = arg;
    int v = -1;
    bool ok = weft_chan_recv_ok(s->c, &v);
    weft_chan_send(s->done, &(bool){v == 0 && ok == false});
}

/* Ensure that close unblocks receive. */
static void close_unblocks_receive(int cap)
{
    struct close_unblocks *s = new_zeroed(sizeof *s);
    s->c = weft_chan_make(sizeof(int), (size_t)cap);
    s->done = weft_chan_make(sizeof(bool), 0);
    weft_go(recv_report_zero, s);
    weft_sleep(WEFT_MILLISECOND);
    weft_chan_close(s->c);
    bool zero;
    weft_chan_recv(s->done, &zero);
    if (!zero)
        go_fatalf("chan[%d]: received non zero from closed chan", cap);
}

static void send_hundred(void *c)
{
    for (int i = 0; i < 100; i++)
        send_int(c, i);
}

static void send_stress_values(void *c)
{
    for (int i = 0; i < STRESS_L; i++)
        send_int(c, i);
}

struct stress_receiver {
    weft_chan *c, *done;
};

static void receive_stress_values(void *arg)
{
    struct stress_receiver *s = arg;
    int *recv = new_zeroed(STRESS_L * sizeof *recv);
    for (int i = 0; i < STRESS_L; i++)
        recv[recv_int(s->c)]++;
    weft_chan_send(s->done, &recv);
}

/* Send 100 integers, ensure that we receive them non-corrupted in FIFO
 * order; then P goroutines send L each to P receivers. */
static void values_arrive_in_order(int cap)
{
    weft_chan *c = weft_chan_make(sizeof(int), (size_t)cap);
    weft_go(send_hundred, c);
    for (int i = 0; i < 100; i++) {
        int v = recv_int(c);
        if (v != i)
            go_fatalf("chan[%d]: received %d, expected %d", cap, v, i);
    }
    /* Same, but using recv2. */
    weft_go(send_hundred, c);
    for (int i = 0; i < 100; i++) {
        int v;
        if (!weft_chan_recv_ok(c, &v))
            go_fatalf("chan[%d]: receive failed, expected %d", cap, i);
        if (v != i)
            go_fatalf("chan[%d]: received %d, expected %d", cap, v, i);
    }
    for (int p = 0; p < STRESS_P; p++)
        weft_go(send_stress_values, c);
    struct stress_receiver *s = new_zeroed(sizeof *s);
    s->c = c;
    s->done = weft_chan_make(sizeof(int *), 0);
    for (int p = 0; p < STRESS_P; p++)
        weft_go(receive_stress_values, s);
    int recv[STRESS_L] = {0};
    for (int p = 0; p < STRESS_P; p++) {
        int *counts;
        weft_chan_recv(s->done, &counts);
        for (int k = 0; k < STRESS_L; k++)
            recv[k] += counts[k];
        free(counts);
    }
    for (int k = 0; k < STRESS_L; k++) {
        if (recv[k] == 0)
            go_fatalf("chan[%d]: value %d never received", cap, k);
        if (recv[k] != STRESS_P)
            go_fatalf("chan[%d]: received %d values, expected %d", cap, recv[k],
                      STRESS_P);
    }
}

/* Test len/cap. */
static void len_and_cap(int cap)
{
    weft_chan *c = weft_chan_make(sizeof(int), (size_t)cap);
    if (weft_chan_len(c) != 0 || weft_chan_cap(c) != (size_t)cap)
        go_fatalf("chan[%d]: bad len/cap, expect %d/%d, got %zu/%zu", cap, 0,
                  cap, weft_chan_len(c), weft_chan_cap(c));
    for (int i = 0; i < cap; i++)
        send_int(c, i);
    if (weft_chan_len(c) != (size_t)cap || weft_chan_cap(c) != (size_t)cap)
        go_fatalf("chan[%d]: bad len/cap, expect %d/%d, got %zu/%zu", cap, cap,
                  cap, weft_chan_len(c), weft_chan_cap(c));
    weft_chan_free(c);
}

GO_TEST(TestChan)
{
    for (int cap = 0; cap < TEST_CHAN_CAPACITIES; cap++) {
        receive_from_empty_blocks(cap);
        send_to_full_blocks(cap);
        receive_zero_from_closed(cap);
        close_unblocks_receive(cap);
        values_arrive_in_order(cap);
        len_and_cap(cap);
    }
}

/* ---- TestNonblockRecvRace ---- */

static void nonblock_recv_must_be_ready(void *c)
{
    struct weft_case recv[] = {WEFT_RECV_CASE(c, NULL)};
    if (weft_select_default(recv, 1) == WEFT_DEFAULT)
        go_fatalf("chan is not ready");
}

GO_TEST(TestNonblockRecvRace)
{
    for (int i = 0; i < 100; i++) {
        weft_chan *c = weft_chan_make(sizeof(int), 1);
        send_int(c, 1);
        weft_go(nonblock_recv_must_be_ready, c);
        weft_chan_close(c);
        weft_chan_recv(c, NULL);
    }
}

/* ---- TestNonblockSelectRace, TestNonblockSelectRace2 ----
 * select acts on the state of the channels at one moment, not over a
 * smeared time window: from the time the second goroutine is created, at
 * least one of c1 and c2 is always ready for receiving, so its
 * non-blocking select must never take the default. */

struct two_ready {
    weft_chan *c1, *c2, *done;
};

static void select_one_of_two(void *arg)
{
    struct two_ready *s = arg;
    struct weft_case cases[] = {WEFT_RECV_CASE(s->c1, NULL),
                                WEFT_RECV_CASE(s->c2, NULL)};
    bool took_a_case = weft_select_default(cases, 2) != WEFT_DEFAULT;
    weft_chan_send(s->done, &took_a_case);
}

static void nonblock_select_race(bool close_c2)
{
    weft_chan *done = weft_chan_make(sizeof(bool), 1);
    for (int i = 0; i < 1000; i++) {
        struct two_ready *s = new_zeroed(sizeof *s);
        s->c1 = weft_chan_make(sizeof(int), 1);
        s->c2 = weft_chan_make(sizeof(int), close_c2 ? 0 : 1);
        s->done = done;
        send_int(s->c1, 1);
        weft_go(select_one_of_two, s);
        if (close_c2)
            weft_chan_close(s->c2);
        else
            send_int(s->c2, 1);
        struct weft_case recv_c1[] = {WEFT_RECV_CASE(s->c1, NULL)};
        weft_select_default(recv_c1, 1);
        bool took_a_case;
        weft_chan_recv(done, &took_a_case);
        if (!took_a_case)
            go_fatalf("no chan is ready");
    }
}

GO_TEST(TestNonblockSelectRace)
{
    nonblock_select_race(false);
}

/* Same as TestNonblockSelectRace, but close(c2) replaces c2 <- 1. */
GO_TEST(TestNonblockSelectRace2)
{
    nonblock_select_race(true);
}

/* ---- TestSelfSelect ----
 * Ensure that send/recv on the same chan in select does not crash nor
 * deadlock. */

struct self_select {
    weft_chan *c;
    int cap, p;
    weft_waitgroup *wg;
};

static void self_select(void *arg)
{
    struct self_select *s = arg;
    for (int i = 0; i < 1000; i++) {
        int v = -1;
        struct weft_case send = WEFT_SEND_CASE(s->c, &s->p);
        struct weft_case recv = WEFT_RECV_CASE(s->c, &v);
        /* the same two cases, in one order or the other */
        bool send_first = s->p == 0 || i % 2 == 0;
        struct weft_case cases[2] = {send_first ? send : recv,
                                     send_first ? recv : send};
        int chosen = weft_select(cases, 2);
        if (cases[chosen].dir == WEFT_RECV && s->cap == 0 && v == s->p)
            go_fatalf("self receive");
    }
    weft_waitgroup_done(s->wg);
}

GO_TEST(TestSelfSelect)
{
    static const int caps[] = {0, 10};
    for (int k = 0; k < 2; k++) {
        weft_waitgroup wg = {0};
        weft_waitgroup_add(&wg, 2);
        weft_chan *c = weft_chan_make(sizeof(int), (size_t)caps[k]);
        struct self_select s[2];
        for (int p = 0; p < 2; p++) {
            s[p] = (struct self_select){c, caps[k], p, &wg};
            weft_go(self_select, &s[p]);
        }
        weft_waitgroup_wait(&wg);
        weft_chan_free(c);
    }
}

/* ---- TestSelectStress ----
 * 4 goroutines send N values on each of the chans, 4 receive N values on
 * each, one sends N values on each in a single select and one receives N
 * from each in a single select. All of it interacts chaotically, but the
 * whole construct must not deadlock. */

enum { STRESS_N = 10000 };

struct select_stress {
    weft_chan *c[4];
    weft_waitgroup wg;
};

struct stress_worker {
    struct select_stress *s;
    int k;
};

static void stress_send(void *arg)
{
    struct stress_worker *w = arg;
    for (int i = 0; i < STRESS_N; i++)
        send_int(w->s->c[w->k], 0);
    weft_waitgroup_done(&w->s->wg);
}

static void stress_recv(void *arg)
{
    struct stress_worker *w = arg;
    for (int i = 0; i < STRESS_N; i++)
        weft_chan_recv(w->s->c[w->k], NULL);
    weft_waitgroup_done(&w->s->wg);
}

/* One select over all four channels, in Go's case orders; a channel is
 * set to nil once it has had its N. */
static void stress_select(struct select_stress *s, enum weft_case_dir dir,
                          const int order[4])
{
    int n[4] = {0}, zero = 0;
    weft_chan *c1[4];
    memcpy(c1, s->c, sizeof c1);
    for (int i = 0; i < 4 * STRESS_N; i++) {
        struct weft_case cases[4];
        for (int j = 0; j < 4; j++)
            cases[j] = (struct weft_case){c1[order[j]], dir, &zero, false};
        int k = order[weft_select(cases, 4)];
        if (++n[k] == STRESS_N)
            c1[k] = NULL;
    }
    weft_waitgroup_done(&s->wg);
}

static void stress_select_send(void *arg)
{
    static const int order[4] = {3, 2, 0, 1};
    stress_select(arg, WEFT_SEND, order);
}

static void stress_select_recv(void *arg)
{
    static const int order[4] = {0, 1, 2, 3};
    stress_select(arg, WEFT_RECV, order);
}

GO_TEST(TestSelectStress)
{
    static struct select_stress s;
    static struct stress_worker workers[4];
    memset(&s, 0, sizeof s);
    s.c[0] = weft_chan_make(sizeof(int), 0);
    s.c[1] = weft_chan_make(sizeof(int), 0);
    s.c[2] = weft_chan_make(sizeof(int), 2);
    s.c[3] = weft_chan_make(sizeof(int), 3);
    weft_waitgroup_add(&s.wg, 10);
    for (int k = 0; k < 4; k++) {
        workers[k] = (struct stress_worker){&s, k};
        weft_go(stress_send, &workers[k]);
        weft_go(stress_recv, &workers[k]);
    }
    weft_go(stress_select_send, &s);
    weft_go(stress_select_recv, &s);
    weft_waitgroup_wait(&s.wg);
    for (int k = 0; k < 4; k++)
        weft_chan_free(s.c[k]);
}

/* ---- TestSelectFairness ---- */

enum { FAIRNESS_TRIALS = 10000 };

struct fairness {
    weft_chan *c1, *c2, *c3, *c4, *out, *done;
    weft_waitgroup wg;
};

static void fairness_forwarder(void *arg)
{
    struct fairness *f = arg;
    for (;;) {
        unsigned char b = 0;
        struct weft_case in[] = {
            WEFT_RECV_CASE(f->c3, &b), WEFT_RECV_CASE(f->c4, &b),
            WEFT_RECV_CASE(f->c1, &b), WEFT_RECV_CASE(f->c2, &b)};
        weft_select(in, 4);
        struct weft_case out[] = {WEFT_SEND_CASE(f->out, &b),
                                  WEFT_RECV_CASE(f->done, NULL)};
        if (weft_select(out, 2) == 1)
            break;
    }
    weft_waitgroup_done(&f->wg);
}

GO_TEST(TestSelectFairness)
{
    static struct fairness f;
    memset(&f, 0, sizeof f);
    f.c1 = weft_chan_make(1, FAIRNESS_TRIALS + 1);
    f.c2 = weft_chan_make(1, FAIRNESS_TRIALS + 1);
    for (int i = 0; i < FAIRNESS_TRIALS + 1; i++) {
        weft_chan_send(f.c1, &(unsigned char){1});
        weft_chan_send(f.c2, &(unsigned char){2});
    }
    f.c3 = weft_chan_make(1, 0);
    f.c4 = weft_chan_make(1, 0);
    f.out = weft_chan_make(1, 0);
    f.done = weft_chan_make(1, 0);
    weft_waitgroup_add(&f.wg, 1);
    weft_go(fairness_forwarder, &f);
    int cnt1 = 0, cnt2 = 0;
    for (int i = 0; i < FAIRNESS_TRIALS; i++) {
        unsigned char b;
        weft_chan_recv(f.out, &b);
        switch (b) {
        case 1:
            cnt1++;
            break;
        case 2:
            cnt2++;
            break;
        default:
            go_fatalf("unexpected value %d on channel", b);
        }
    }
    /* If the select in the goroutine is fair, cnt1 and cnt2 should be
     * about the same value. With 10,000 trials, the expected margin of
     * error at a confidence level of six nines is
     * 4.891676 / (2 * Sqrt(10000)). */
    double r = (double)cnt1 / FAIRNESS_TRIALS;
    double e = r > 0.5 ? r - 0.5 : 0.5 - r;
    if (e > 4.891676 / (2 * 100.0))
        go_fatalf("unfair select: in %d trials, results were %d, %d",
                  FAIRNESS_TRIALS, cnt1, cnt2);
    weft_chan_close(f.done);
    weft_waitgroup_wait(&f.wg);
}

/* ---- TestChanSendInterface ----
 * Go sends an interface holding a pointer; in C, the pointer. */

GO_TEST(TestChanSendInterface)
{
    static int m_object, other_object;
    int *m = &m_object;
    weft_chan *c = weft_chan_make(sizeof(int *), 1);
    weft_chan_send(c, &m);
    struct weft_case one[] = {WEFT_SEND_CASE(c, &m)};
    weft_select_default(one, 1);
    int *other = &other_object;
    struct weft_case two[] = {WEFT_SEND_CASE(c, &m), WEFT_SEND_CASE(c, &other)};
    weft_select_default(two, 2);
    weft_chan_free(c);
}

/* ---- TestPseudoRandomSend ---- */

enum { PSEUDO_N = 100 };

struct pseudo_random {
    weft_chan *c;
    int l[PSEUDO_N];
    weft_mutex m;
};

static void pseudo_random_receiver(void *arg)
{
    struct pseudo_random *s = arg;
    for (int i = 0; i < PSEUDO_N; i++) {
        weft_yield();
        s->l[i] = recv_int(s->c);
    }
    weft_mutex_unlock(&s->m);
}

GO_TEST(TestPseudoRandomSend)
{
    static const int caps[] = {0, PSEUDO_N};
    for (int k = 0; k < 2; k++) {
        static struct pseudo_random s;
        memset(&s, 0, sizeof s);
        s.c = weft_chan_make(sizeof(int), (size_t)caps[k]);
        weft_mutex_lock(&s.m);
        weft_go(pseudo_random_receiver, &s);
        for (int i = 0; i < PSEUDO_N; i++) {
            struct weft_case cases[] = {WEFT_SEND_CASE(s.c, &(int){1}),
                                        WEFT_SEND_CASE(s.c, &(int){0})};
            weft_select(cases, 2);
        }
        weft_mutex_lock(&s.m); /* wait */
        int n0 = 0, n1 = 0;
        for (int i = 0; i < PSEUDO_N; i++) {
            n0 += (s.l[i] + 1) % 2;
            n1 += s.l[i];
        }
        if (n0 <= PSEUDO_N / 10 || n1 <= PSEUDO_N / 10)
            go_fatalf("Want pseudorandom, got %d zeros and %d ones (chan cap "
                      "%d)",
                      n0, n1, caps[k]);
        weft_chan_free(s.c);
    }
}

/* ---- TestMultiConsumer ---- */

enum { NWORK = 23, NITER = 27183 };
static const int pn[] = {2, 3, 7, 11, 13, 17, 19, 23, 27, 31};
enum { PN_COUNT = sizeof pn / sizeof pn[0] };

struct multi_consumer {
    weft_chan *q, *r;
    weft_waitgroup wg;
    long expect;
};

struct consumer {
    struct multi_consumer *s;
    int w;
};

static void consume(void *arg)
{
    struct consumer *c = arg;
    int v;
    weft_chan_range (c->s->q, v) {
        /* mess with the fifo-ish nature of range */
        if (pn[c->w % PN_COUNT] == v)
            weft_yield();
        weft_chan_send(c->s->r, &v);
    }
    weft_waitgroup_done(&c->s->wg);
}

static void feed_and_close(void *arg)
{
    struct multi_consumer *s = arg;
    for (int i = 0; i < NITER; i++) {
        int v = pn[i % PN_COUNT];
        s->expect += v;
        send_int(s->q, v);
    }
    weft_chan_close(s->q);       /* no more work */
    weft_waitgroup_wait(&s->wg); /* workers done */
    weft_chan_close(s->r);       /* ... so there can be no more results */
}

GO_TEST(TestMultiConsumer)
{
    static struct multi_consumer s;
    static struct consumer workers[NWORK];
    memset(&s, 0, sizeof s);
    s.q = weft_chan_make(sizeof(int), NWORK * 3);
    s.r = weft_chan_make(sizeof(int), NWORK * 3);
    for (int i = 0; i < NWORK; i++) {
        weft_waitgroup_add(&s.wg, 1);
        workers[i] = (struct consumer){&s, i};
        weft_go(consume, &workers[i]);
    }
    weft_go(feed_and_close, &s);
    /* consume & check */
    long n = 0, sum = 0;
    int v;
    weft_chan_range (s.r, v) {
        n++;
        sum += v;
    }
    if (n != NITER || sum != s.expect)
        go_fatalf("Expected sum %ld (got %ld) from %d iter (saw %ld)", s.expect,
                  sum, NITER, n);
}

/* ---- TestShrinkStackDuringBlockedSend ----
 * channel operations still work when the sender blocks on a send after
 * using lots of stack (Go then shrinks its stack in a GC: left out). */

enum { SHRINK_N = 10 };

struct blocked_send {
    weft_chan *c, *done;
};

static void send_with_deep_stack(void *arg)
{
    struct blocked_send *s = arg;
    for (int i = 0; i < SHRINK_N; i++) {
        send_int(s->c, i);
        /* use lots of stack, briefly. */
        stack_growth_recursive(20);
    }
    weft_chan_send(s->done, NULL);
}

GO_TEST(TestShrinkStackDuringBlockedSend)
{
    static struct blocked_send s;
    s.c = weft_chan_make(sizeof(int), 0);
    s.done = weft_chan_make(0, 0);
    weft_go(send_with_deep_stack, &s);
    for (int i = 0; i < SHRINK_N; i++) {
        int x = recv_int(s.c);
        if (x != i)
            go_fatalf("bad channel read: want %d, got %d", i, x);
        /* Waste some time so sender can finish using lots of stack and
         * block in channel send. */
        weft_sleep(WEFT_MILLISECOND);
    }
    weft_chan_recv(s.done, NULL);
}

/* ---- TestNoShrinkStackWhileParking ----
 * A sender that grows its stack, then fully blocks on a channel, often
 * (Go races a GC's stack shrinking with the parking: left out). */

static void park_sender(void *arg)
{
    struct blocked_send *s = arg;
    for (int i = 0; i < SHRINK_N; i++) {
        send_int(s->c, i);
        stack_growth_recursive(20);
    }
    weft_chan_send(s->done, NULL);
}

static void park_receiver(void *arg)
{
    struct blocked_send *s = arg;
    for (int i = 0; i < SHRINK_N; i++) {
        /* Sleep here so that the sender always fully blocks. */
        weft_sleep(10 * WEFT_MICROSECOND);
        int x = recv_int(s->c);
        if (x != i)
            go_fatalf("bad channel read: want %d, got %d", i, x);
    }
    weft_chan_send(s->done, NULL);
}

GO_TEST(TestNoShrinkStackWhileParking)
{
    for (int i = 0; i < SHRINK_N * 20; i++) {
        /* never freed: a woken sender may still be on its way out */
        struct blocked_send s = {weft_chan_make(sizeof(int), 0),
                                 weft_chan_make(0, 0)};
        weft_go(park_receiver, &s);
        weft_go(park_sender, &s);
        weft_sleep(50 * WEFT_MICROSECOND);
        weft_chan_recv(s.done, NULL);
        weft_chan_recv(s.done, NULL);
    }
}

/* ---- TestSelectDuplicateChannel ----
 * A goroutine can be queued on the same channel several times. */

struct duplicate {
    weft_chan *c, *d, *e;
};

static void select_duplicate(void *arg) /* goroutine A */
{
    struct duplicate *s = arg;
    struct weft_case cases[] = {WEFT_RECV_CASE(s->c, NULL),
                                WEFT_RECV_CASE(s->c, NULL),
                                WEFT_RECV_CASE(s->d, NULL)};
    weft_select(cases, 3);
    send_int(s->e, 9);
}

static void receive_c(void *arg) /* goroutine B */
{
    struct duplicate *s = arg;
    weft_chan_recv(s->c, NULL);
}

GO_TEST(TestSelectDuplicateChannel)
{
    static struct duplicate s;
    s.c = weft_chan_make(sizeof(int), 0);
    s.d = weft_chan_make(sizeof(int), 0);
    s.e = weft_chan_make(sizeof(int), 0);
    weft_go(select_duplicate, &s);
    weft_sleep(WEFT_MILLISECOND); /* make sure A gets queued first on c */
    weft_go(receive_c, &s);
    weft_sleep(WEFT_MILLISECOND); /* make sure B gets queued on c */
    send_int(s.d, 7);             /* wake up A, it dequeues itself from c */
    weft_chan_recv(s.e, NULL);    /* A tells us it's done */
    send_int(s.c, 8);             /* wake up B */
}

/* ---- TestSelectStackAdjust ----
 * A receive slot that holds a pointer to the goroutine's own stack keeps
 * pointing there (Go shrinks the stack meanwhile: left out). */

struct stack_adjust {
    weft_chan *c, *d, *ready;
    bool dup;
};

static void select_with_stack_pointer(void *arg)
{
    struct stack_adjust *s = arg;
    /* Temporarily grow the stack to 10K. */
    stack_growth_recursive((10 << 10) / (128 * 8));
    weft_chan_send(s->ready, &(bool){true});
    int val = 42;
    int *cx = &val;
    weft_chan *c2 = s->dup ? s->c : NULL, *d2 = s->dup ? s->d : NULL;
    /* Receive from d. cx won't be affected. */
    struct weft_case cases[] = {
        WEFT_RECV_CASE(s->c, &cx), WEFT_RECV_CASE(c2, NULL),
        WEFT_RECV_CASE(s->d, NULL), WEFT_RECV_CASE(d2, NULL)};
    weft_select(cases, 4);
    /* Check that pointer in cx was adjusted correctly. */
    if (cx != &val) {
        go_fatalf("cx no longer points to val");
    } else if (val != 42) {
        go_fatalf("val changed");
    } else {
        *cx = 43;
        if (val != 43)
            go_fatalf("changing *cx failed to change val");
    }
    weft_chan_send(s->ready, &(bool){true});
}

GO_TEST(TestSelectStackAdjust)
{
    weft_chan *c = weft_chan_make(sizeof(int *), 0);
    weft_chan *d = weft_chan_make(sizeof(int *), 0);
    static struct stack_adjust f1, f2;
    f1 = (struct stack_adjust){c, d, weft_chan_make(sizeof(bool), 0), false};
    f2 = (struct stack_adjust){c, d, weft_chan_make(sizeof(bool), 0), true};
    weft_go(select_with_stack_pointer, &f1);
    weft_go(select_with_stack_pointer, &f2);
    /* Let the goroutines get into the select. */
    weft_chan_recv(f1.ready, NULL);
    weft_chan_recv(f2.ready, NULL);
    weft_sleep(10 * WEFT_MILLISECOND);
    /* Wake selects. */
    weft_chan_close(d);
    weft_chan_recv(f1.ready, NULL);
    weft_chan_recv(f2.ready, NULL);
}
