/*
 * Port of $GOROOT/src/sync/mutex_test.go (Go 1.19): its tests, not its
 * benchmarks. Same checks; Go's misuse tests re-run the test binary to
 * see each misuse end the program, the port forks (go_expect_panic).
 * Left out:
 *  - TestSemaphore (and HammerSemaphore): it hammers the runtime's
 *    internal semaphore (runtime_Semacquire/Semrelease), which weft does
 *    not export;
 *  - runtime.SetMutexProfileFraction in TestMutex: weft has no mutex
 *    profile.
 * Not scaled.
 */
#include "go_test.h"

struct hammer {
    weft_mutex *m;
    int loops;
    weft_chan *cdone;
};

static void hammer_mutex(void *arg)
{
    struct hammer *h = arg;
    for (int i = 0; i < h->loops; i++) {
        if (i % 3 == 0) {
            if (weft_mutex_trylock(h->m))
                weft_mutex_unlock(h->m);
            continue;
        }
        weft_mutex_lock(h->m);
        weft_mutex_unlock(h->m);
    }
    weft_chan_send(h->cdone, &(bool){true});
}

GO_TEST(TestMutex)
{
    static weft_mutex m;
    m = (weft_mutex){0};
    weft_mutex_lock(&m);
    if (weft_mutex_trylock(&m))
        go_fatalf("TryLock succeeded with mutex locked");
    weft_mutex_unlock(&m);
    if (!weft_mutex_trylock(&m))
        go_fatalf("TryLock failed with mutex unlocked");
    weft_mutex_unlock(&m);
    struct hammer h = {&m, 1000, weft_chan_make(sizeof(bool), 0)};
    for (int i = 0; i < 10; i++)
        weft_go(hammer_mutex, &h);
    for (int i = 0; i < 10; i++)
        weft_chan_recv(h.cdone, NULL);
}

static void mutex_unlock(void)
{
    weft_mutex mu = {0};
    weft_mutex_unlock(&mu);
}

static void mutex_unlock2(void)
{
    weft_mutex mu = {0};
    weft_mutex_lock(&mu);
    weft_mutex_unlock(&mu);
    weft_mutex_unlock(&mu);
}

static void rwmutex_unlock(void)
{
    weft_rwmutex mu = {0};
    weft_rwmutex_unlock(&mu);
}

static void rwmutex_unlock2(void)
{
    weft_rwmutex mu = {0};
    weft_rwmutex_rlock(&mu);
    weft_rwmutex_unlock(&mu);
}

static void rwmutex_unlock3(void)
{
    weft_rwmutex mu = {0};
    weft_rwmutex_lock(&mu);
    weft_rwmutex_unlock(&mu);
    weft_rwmutex_unlock(&mu);
}

static void rwmutex_runlock(void)
{
    weft_rwmutex mu = {0};
    weft_rwmutex_runlock(&mu);
}

static void rwmutex_runlock2(void)
{
    weft_rwmutex mu = {0};
    weft_rwmutex_lock(&mu);
    weft_rwmutex_runlock(&mu);
}

static void rwmutex_runlock3(void)
{
    weft_rwmutex mu = {0};
    weft_rwmutex_rlock(&mu);
    weft_rwmutex_runlock(&mu);
    weft_rwmutex_runlock(&mu);
}

/* Each misuse ends the program with a message about an unlocked lock. */
GO_TEST(TestMutexMisuse)
{
    static void (*const misuse_tests[])(void) = {
        mutex_unlock,    mutex_unlock2,   rwmutex_unlock,   rwmutex_unlock2,
        rwmutex_unlock3, rwmutex_runlock, rwmutex_runlock2, rwmutex_runlock3};
    for (size_t i = 0; i < sizeof misuse_tests / sizeof misuse_tests[0]; i++)
        go_expect_panic(misuse_tests[i], "unlocked");
}

struct fairness {
    weft_mutex mu;
    weft_chan *stop, *done;
};

static void hold_often(void *arg)
{
    struct fairness *f = arg;
    for (;;) {
        weft_mutex_lock(&f->mu);
        weft_sleep(100 * WEFT_MICROSECOND);
        weft_mutex_unlock(&f->mu);
        struct weft_case stop[] = {WEFT_RECV_CASE(f->stop, NULL)};
        if (weft_select_default(stop, 1) == 0)
            return;
    }
}

static void lock_ten_times(void *arg)
{
    struct fairness *f = arg;
    for (int i = 0; i < 10; i++) {
        weft_sleep(100 * WEFT_MICROSECOND);
        weft_mutex_lock(&f->mu);
        weft_mutex_unlock(&f->mu);
    }
    weft_chan_send(f->done, &(bool){true});
}

GO_TEST(TestMutexFairness)
{
    static struct fairness f;
    f = (struct fairness){.stop = weft_chan_make(sizeof(bool), 0),
                          .done = weft_chan_make(sizeof(bool), 1)};
    weft_go(hold_often, &f);
    weft_go(lock_ten_times, &f);
    weft_chan *timeout = weft_after(10 * WEFT_SECOND);
    struct weft_case cases[] = {WEFT_RECV_CASE(f.done, NULL),
                                WEFT_RECV_CASE(timeout, NULL)};
    if (weft_select(cases, 2) == 1)
        go_fatalf("can't acquire Mutex in 10 seconds");
    weft_chan_free(timeout);
    weft_chan_close(f.stop); /* Go's defer close(stop) */
}
