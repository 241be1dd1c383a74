/*
 * Port of $GOROOT/src/sync/rwmutex_test.go (Go 1.19): its tests, not its
 * benchmarks. Same checks and counts: TestRWMutex's hammer runs Go's full
 * 1000 iterations (Short: 5) in each of its ten configurations.
 * Left out:
 *  - runtime.GOMAXPROCS(n) in TestParallelReaders and HammerRWMutex: weft
 *    reads WEFT_MAXPROCS once, at the start; the mode sets it, so each
 *    configuration runs with the mode's threads;
 * RWMutex.RLocker is weft_rwmutex_rlocker, a struct weft_locker whose
 * lock is rlock (Go's Locker interface is a pair of functions in C).
 */
#include <stdatomic.h>

#include "go_test.h"

/* ---- TestParallelReaders ---- */

struct readers {
    weft_rwmutex m;
    weft_chan *clocked, *cunlock, *cdone;
};

static void parallel_reader(void *arg)
{
    struct readers *r = arg;
    weft_rwmutex_rlock(&r->m);
    weft_chan_send(r->clocked, &(bool){true});
    weft_chan_recv(r->cunlock, NULL);
    weft_rwmutex_runlock(&r->m);
    weft_chan_send(r->cdone, &(bool){true});
}

static void do_test_parallel_readers(int num_readers)
{
    static struct readers r;
    r = (struct readers){{0},
                         weft_chan_make(sizeof(bool), 0),
                         weft_chan_make(sizeof(bool), 0),
                         weft_chan_make(sizeof(bool), 0)};
    for (int i = 0; i < num_readers; i++)
        weft_go(parallel_reader, &r);
    /* Wait for all parallel RLock()s to succeed. */
    for (int i = 0; i < num_readers; i++)
        weft_chan_recv(r.clocked, NULL);
    for (int i = 0; i < num_readers; i++)
        weft_chan_send(r.cunlock, &(bool){true});
    /* Wait for the goroutines to finish. */
    for (int i = 0; i < num_readers; i++)
        weft_chan_recv(r.cdone, NULL);
}

GO_TEST(TestParallelReaders)
{
    do_test_parallel_readers(1);
    do_test_parallel_readers(3);
    do_test_parallel_readers(4);
}

/* ---- TestRWMutex ---- */

struct hammer {
    weft_rwmutex rwm;
    int num_iterations;
    atomic_int activity; /* active readers + 10000 * active writers */
    weft_chan *cdone;
};

static void reader(void *arg)
{
    struct hammer *h = arg;
    for (int i = 0; i < h->num_iterations; i++) {
        weft_rwmutex_rlock(&h->rwm);
        int n = atomic_fetch_add(&h->activity, 1) + 1;
        if (n < 1 || n >= 10000)
            go_fatalf("wlock(%d)", n);
        for (volatile int j = 0; j < 100; j++) {
        }
        atomic_fetch_add(&h->activity, -1);
        weft_rwmutex_runlock(&h->rwm);
    }
    weft_chan_send(h->cdone, &(bool){true});
}

static void writer(void *arg)
{
    struct hammer *h = arg;
    for (int i = 0; i < h->num_iterations; i++) {
        weft_rwmutex_lock(&h->rwm);
        int n = atomic_fetch_add(&h->activity, 10000) + 10000;
        if (n != 10000)
            go_fatalf("wlock(%d)", n);
        for (volatile int j = 0; j < 100; j++) {
        }
        atomic_fetch_add(&h->activity, -10000);
        weft_rwmutex_unlock(&h->rwm);
    }
    weft_chan_send(h->cdone, &(bool){true});
}

static void hammer_rwmutex(int num_readers, int num_iterations)
{
    static struct hammer h;
    h = (struct hammer){
        {0}, num_iterations, 0, weft_chan_make(sizeof(bool), 0)};
    weft_go(writer, &h);
    int i;
    for (i = 0; i < num_readers / 2; i++)
        weft_go(reader, &h);
    weft_go(writer, &h);
    for (; i < num_readers; i++)
        weft_go(reader, &h);
    /* Wait for the 2 writers and all readers to finish. */
    for (int k = 0; k < 2 + num_readers; k++)
        weft_chan_recv(h.cdone, NULL);
}

GO_TEST(TestRWMutex)
{
    weft_rwmutex m = {0};
    weft_rwmutex_lock(&m);
    if (weft_rwmutex_trylock(&m))
        go_fatalf("TryLock succeeded with mutex locked");
    if (weft_rwmutex_tryrlock(&m))
        go_fatalf("TryRLock succeeded with mutex locked");
    weft_rwmutex_unlock(&m);
    if (!weft_rwmutex_trylock(&m))
        go_fatalf("TryLock failed with mutex unlocked");
    weft_rwmutex_unlock(&m);
    if (!weft_rwmutex_tryrlock(&m))
        go_fatalf("TryRLock failed with mutex unlocked");
    if (!weft_rwmutex_tryrlock(&m))
        go_fatalf("TryRLock failed with mutex rlocked");
    if (weft_rwmutex_trylock(&m))
        go_fatalf("TryLock succeeded with mutex rlocked");
    weft_rwmutex_runlock(&m);
    weft_rwmutex_runlock(&m);

    /* Go's (GOMAXPROCS, readers) pairs, GOMAXPROCS left to the mode */
    static const int readers[] = {1, 3, 10, 1, 3, 10, 1, 3, 10, 5};
    for (size_t k = 0; k < sizeof readers / sizeof readers[0]; k++)
        hammer_rwmutex(readers[k], 1000);
}

/* ---- TestRLocker ---- */

struct rlocker_test {
    weft_rwmutex wl;
    struct weft_locker rl;
    weft_chan *wlocked, *rlocked;
    int n;
};

static void rlocker_locker(void *arg)
{
    struct rlocker_test *t = arg;
    for (int i = 0; i < t->n; i++) {
        t->rl.lock(t->rl.object);
        t->rl.lock(t->rl.object);
        weft_chan_send(t->rlocked, &(bool){true});
        weft_rwmutex_lock(&t->wl);
        weft_chan_send(t->wlocked, &(bool){true});
    }
}

/* select { case <-c: return true; default: return false } */
static bool received_now(weft_chan *c)
{
    struct weft_case recv[] = {WEFT_RECV_CASE(c, NULL)};
    return weft_select_default(recv, 1) == 0;
}

GO_TEST(TestRLocker)
{
    static struct rlocker_test t;
    t = (struct rlocker_test){.n = 10};
    t.rl = weft_rwmutex_rlocker(&t.wl);
    t.wlocked = weft_chan_make(sizeof(bool), 1);
    t.rlocked = weft_chan_make(sizeof(bool), 1);
    weft_go(rlocker_locker, &t);
    for (int i = 0; i < t.n; i++) {
        weft_chan_recv(t.rlocked, NULL);
        t.rl.unlock(t.rl.object);
        if (received_now(t.wlocked))
            go_fatalf("RLocker() didn't read-lock it");
        t.rl.unlock(t.rl.object);
        weft_chan_recv(t.wlocked, NULL);
        if (received_now(t.rlocked))
            go_fatalf("RLocker() didn't respect the write lock");
        weft_rwmutex_unlock(&t.wl);
    }
}
