/*
 * Port of $GOROOT/src/sync/cond_test.go (Go 1.19): its tests, not its
 * benchmarks. Same checks and counts, but for TestCondBroadcast: 100
 * goroutines instead of 200 (n rounds of n wake-ups: 6 s for the 20
 * seeds at 200). NewCond(&m) is weft_cond_init(&c, &m).
 * Left out: TestCondCopy. Go panics when a Cond is used after being
 * copied (its copyChecker); a C struct copy cannot be told from the
 * original, and weft does not try.
 */
#include <stdlib.h>
#include <string.h>

#include "go_test.h"

/* ---- TestCondSignal ---- */

struct signal_state {
    weft_mutex m;
    weft_cond c;
    weft_chan *running, *awake;
};

static void wait_once(void *arg)
{
    struct signal_state *s = arg;
    weft_mutex_lock(&s->m);
    weft_chan_send(s->running, &(bool){true});
    weft_cond_wait(&s->c);
    weft_chan_send(s->awake, &(bool){true});
    weft_mutex_unlock(&s->m);
}

static bool nothing_ready(weft_chan *c)
{
    struct weft_case recv[] = {WEFT_RECV_CASE(c, NULL)};
    return weft_select_default(recv, 1) == WEFT_DEFAULT;
}

GO_TEST(TestCondSignal)
{
    static struct signal_state s;
    memset(&s, 0, sizeof s);
    weft_cond_init(&s.c, &s.m);
    int n = 2;
    s.running = weft_chan_make(sizeof(bool), (size_t)n);
    s.awake = weft_chan_make(sizeof(bool), (size_t)n);
    for (int i = 0; i < n; i++)
        weft_go(wait_once, &s);
    for (int i = 0; i < n; i++)
        weft_chan_recv(s.running, NULL); /* Wait for everyone to run. */
    while (n > 0) {
        if (!nothing_ready(s.awake))
            go_fatalf("goroutine not asleep");
        weft_mutex_lock(&s.m);
        weft_cond_signal(&s.c);
        weft_mutex_unlock(&s.m);
        weft_chan_recv(s.awake, NULL); /* deadlocks if nobody wakes up */
        if (!nothing_ready(s.awake))
            go_fatalf("too many goroutines awake");
        n--;
    }
    weft_cond_signal(&s.c);
}

/* ---- TestCondSignalGenerations ---- */

struct generation {
    struct signal_state *s;
    int i;
};

static void wait_and_report(void *arg)
{
    struct generation *g = arg;
    struct signal_state *s = g->s;
    weft_mutex_lock(&s->m);
    weft_chan_send(s->running, &(bool){true});
    weft_cond_wait(&s->c);
    weft_chan_send(s->awake, &g->i);
    weft_mutex_unlock(&s->m);
}

GO_TEST(TestCondSignalGenerations)
{
    enum { N = 100 };
    static struct signal_state s;
    static struct generation generations[N];
    memset(&s, 0, sizeof s);
    weft_cond_init(&s.c, &s.m);
    s.running = weft_chan_make(sizeof(bool), N);
    s.awake = weft_chan_make(sizeof(int), N);
    for (int i = 0; i < N; i++) {
        generations[i] = (struct generation){&s, i};
        weft_go(wait_and_report, &generations[i]);
        if (i > 0) {
            int a;
            weft_chan_recv(s.awake, &a);
            if (a != i - 1)
                go_fatalf("wrong goroutine woke up: want %d, got %d", i - 1, a);
        }
        weft_chan_recv(s.running, NULL);
        weft_mutex_lock(&s.m);
        weft_cond_signal(&s.c);
        weft_mutex_unlock(&s.m);
    }
}

/* ---- TestCondBroadcast ---- */

enum { BROADCAST_N = 100 };

struct broadcast_state {
    weft_mutex m;
    weft_cond c;
    weft_chan *running, *awake;
    bool exit;
};

struct broadcast_waiter {
    struct broadcast_state *s;
    int g;
};

static void wait_until_exit(void *arg)
{
    struct broadcast_waiter *w = arg;
    struct broadcast_state *s = w->s;
    weft_mutex_lock(&s->m);
    while (!s->exit) {
        weft_chan_send(s->running, &w->g);
        weft_cond_wait(&s->c);
        weft_chan_send(s->awake, &w->g);
    }
    weft_mutex_unlock(&s->m);
}

GO_TEST(TestCondBroadcast)
{
    enum { N = BROADCAST_N };
    static struct broadcast_state s;
    static struct broadcast_waiter waiters[N];
    memset(&s, 0, sizeof s);
    weft_cond_init(&s.c, &s.m);
    s.running = weft_chan_make(sizeof(int), N);
    s.awake = weft_chan_make(sizeof(int), N);
    for (int g = 0; g < N; g++) {
        waiters[g] = (struct broadcast_waiter){&s, g};
        weft_go(wait_until_exit, &waiters[g]);
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            weft_chan_recv(s.running, NULL); /* deadlocks unless n run */
        if (i == N - 1) {
            weft_mutex_lock(&s.m);
            s.exit = true;
            weft_mutex_unlock(&s.m);
        }
        if (!nothing_ready(s.awake))
            go_fatalf("goroutine not asleep");
        weft_mutex_lock(&s.m);
        weft_cond_broadcast(&s.c);
        weft_mutex_unlock(&s.m);
        bool seen[N] = {false};
        for (int j = 0; j < N; j++) {
            int g;
            weft_chan_recv(s.awake, &g);
            if (seen[g])
                go_fatalf("goroutine woke up twice");
            seen[g] = true;
        }
    }
    if (!nothing_ready(s.running))
        go_fatalf("goroutine did not exit");
    weft_cond_broadcast(&s.c);
}

/* ---- TestRace ---- */

struct race_state {
    int x;
    weft_mutex m;
    weft_cond c;
    weft_chan *done;
};

static void first(void *arg)
{
    struct race_state *s = arg;
    weft_mutex_lock(&s->m);
    s->x = 1;
    weft_cond_wait(&s->c);
    if (s->x != 2)
        go_fatalf("want 2");
    s->x = 3;
    weft_cond_signal(&s->c);
    weft_mutex_unlock(&s->m);
    weft_chan_send(s->done, &(bool){true});
}

static void second(void *arg)
{
    struct race_state *s = arg;
    weft_mutex_lock(&s->m);
    for (;;) {
        if (s->x == 1) {
            s->x = 2;
            weft_cond_signal(&s->c);
            break;
        }
        weft_mutex_unlock(&s->m);
        weft_yield();
        weft_mutex_lock(&s->m);
    }
    weft_mutex_unlock(&s->m);
    weft_chan_send(s->done, &(bool){true});
}

static void third(void *arg)
{
    struct race_state *s = arg;
    weft_mutex_lock(&s->m);
    for (;;) {
        if (s->x == 2) {
            weft_cond_wait(&s->c);
            if (s->x != 3)
                go_fatalf("want 3");
            break;
        }
        if (s->x == 3)
            break;
        weft_mutex_unlock(&s->m);
        weft_yield();
        weft_mutex_lock(&s->m);
    }
    weft_mutex_unlock(&s->m);
    weft_chan_send(s->done, &(bool){true});
}

GO_TEST(TestRace)
{
    static struct race_state s;
    memset(&s, 0, sizeof s);
    weft_cond_init(&s.c, &s.m);
    s.done = weft_chan_make(sizeof(bool), 0);
    weft_go(first, &s);
    weft_go(second, &s);
    weft_go(third, &s);
    for (int i = 0; i < 3; i++)
        weft_chan_recv(s.done, NULL);
}

/* ---- TestCondSignalStealing ---- */

struct stealing {
    weft_mutex m;
    weft_cond cond;
    weft_chan *ch;
    bool done;
};

static void first_waiter(void *arg)
{
    struct stealing *s = arg;
    weft_mutex_lock(&s->m);
    weft_chan_send(s->ch, NULL);
    weft_cond_wait(&s->cond);
    weft_mutex_unlock(&s->m);
    weft_chan_send(s->ch, NULL);
}

static void broadcaster(void *arg)
{
    struct stealing *s = arg;
    weft_cond_broadcast(&s->cond);
}

static void second_waiter(void *arg)
{
    struct stealing *s = arg;
    weft_mutex_lock(&s->m);
    while (!s->done)
        weft_cond_wait(&s->cond);
    weft_mutex_unlock(&s->m);
}

GO_TEST(TestCondSignalStealing)
{
    for (int iters = 0; iters < 1000; iters++) {
        /* on the heap and never freed, as Go's: the goroutines outlive
         * the iteration */
        struct stealing *s = calloc(1, sizeof *s);
        weft_cond_init(&s->cond, &s->m);
        /* Start a waiter. */
        s->ch = weft_chan_make(0, 0);
        weft_go(first_waiter, s);
        weft_chan_recv(s->ch, NULL);
        weft_mutex_lock(&s->m);
        weft_mutex_unlock(&s->m);
        /* The waiter is in cond.Wait: we synchronized with it, then
         * acquired and released the mutex it held then. Start two
         * goroutines that race: one broadcasts, the other waits. The new
         * waiter may or may not get notified, but the first one must. */
        weft_go(broadcaster, s);
        weft_go(second_waiter, s);
        /* Check that the first waiter does get signaled. */
        weft_chan *timeout = weft_after(2 * WEFT_SECOND);
        struct weft_case cases[] = {WEFT_RECV_CASE(s->ch, NULL),
                                    WEFT_RECV_CASE(timeout, NULL)};
        if (weft_select(cases, 2) == 1)
            go_fatalf("First waiter didn't get broadcast.");
        weft_chan_free(timeout);
        /* Release the second waiter in case it didn't get the
         * broadcast. */
        weft_mutex_lock(&s->m);
        s->done = true;
        weft_mutex_unlock(&s->m);
        weft_cond_broadcast(&s->cond);
    }
}
