/*
 * Parallel mode: goroutines on 4 worker threads (WEFT_MAXPROCS=4), every
 * primitive under contention. Each check is exact (every value once, every
 * increment counted, timers in deadline order, a stopped timer silent),
 * whatever the interleaving;
 * each scenario runs several rounds to shake out rare ones.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

#include "child.h"
#include "posix_hooks.h" /* cond_wait_until: a timed Wait */

enum { WORKERS = 4, ROUNDS = 5 };

static void parallel_mode(void)
{
    /* before the first weft call, which reads it */
    setenv("WEFT_MAXPROCS", "4", 1);
}

/* ---- channels: every value received exactly once ---- */

enum { PRODUCERS = 8, CONSUMERS = 8, PER_PRODUCER = 5000 };

struct exchange {
    weft_chan *values;
    weft_waitgroup producers, consumers;
    unsigned char seen[PRODUCERS * PER_PRODUCER];
    _Atomic long duplicates;
};

static void produce(void *arg)
{
    struct exchange *x = arg;
    static _Atomic int next_producer;
    int first = atomic_fetch_add(&next_producer, 1) % PRODUCERS * PER_PRODUCER;
    for (int i = 0; i < PER_PRODUCER; i++) {
        int v = first + i;
        weft_chan_send(x->values, &v);
    }
    weft_waitgroup_done(&x->producers);
}

static void consume(void *arg)
{
    struct exchange *x = arg;
    int v;
    while (weft_chan_recv_ok(x->values, &v))
        if (__atomic_exchange_n(&x->seen[v], 1, __ATOMIC_RELAXED))
            atomic_fetch_add(&x->duplicates, 1);
    weft_waitgroup_done(&x->consumers);
}

static void exchange_round(size_t capacity)
{
    static struct exchange x;
    memset(x.seen, 0, sizeof x.seen);
    x.duplicates = 0;
    x.values = weft_chan_make(sizeof(int), capacity);
    weft_waitgroup_add(&x.producers, PRODUCERS);
    weft_waitgroup_add(&x.consumers, CONSUMERS);
    for (int i = 0; i < CONSUMERS; i++)
        weft_go(consume, &x);
    for (int i = 0; i < PRODUCERS; i++)
        weft_go(produce, &x);
    weft_waitgroup_wait(&x.producers);
    weft_chan_close(x.values);
    weft_waitgroup_wait(&x.consumers);
    cr_assert_eq(x.duplicates, 0);
    for (size_t i = 0; i < sizeof x.seen; i++)
        cr_assert_eq(x.seen[i], 1, "value %zu never arrived", i);
    weft_chan_free(x.values);
}

Test(parallel, every_value_arrives_exactly_once_unbuffered)
{
    parallel_mode();
    for (int round = 0; round < ROUNDS; round++)
        exchange_round(0);
}

Test(parallel, every_value_arrives_exactly_once_buffered)
{
    parallel_mode();
    for (int round = 0; round < ROUNDS; round++)
        exchange_round(16);
}

/* ---- select over several channels under contention ---- */

enum { SELECT_CHANNELS = 4, PER_CHANNEL = 4000 };

static weft_chan *select_chans[SELECT_CHANNELS];
static _Atomic long select_received, select_sum;
static weft_waitgroup select_senders, select_receivers;

static void send_on_one(void *arg)
{
    weft_chan *c = arg;
    for (int i = 1; i <= PER_CHANNEL; i++)
        weft_chan_send(c, &i);
    weft_waitgroup_done(&select_senders);
}

static void select_loop(void *arg)
{
    weft_chan *quit = arg;
    for (;;) {
        int v[SELECT_CHANNELS + 1];
        struct weft_case cases[SELECT_CHANNELS + 1];
        for (int i = 0; i < SELECT_CHANNELS; i++)
            cases[i] = WEFT_RECV_CASE(select_chans[i], &v[i]);
        cases[SELECT_CHANNELS] = WEFT_RECV_CASE(quit, &v[SELECT_CHANNELS]);
        int chosen = weft_select(cases, SELECT_CHANNELS + 1);
        /* quit is closed once every send has completed, but select picks
         * among ready cases at random (as Go's): a buffered value may
         * still wait, so drain what is left */
        if (chosen == SELECT_CHANNELS &&
            (chosen = weft_select_default(cases, SELECT_CHANNELS)) ==
                WEFT_DEFAULT)
            break;
        atomic_fetch_add(&select_received, 1);
        atomic_fetch_add(&select_sum, v[chosen]);
    }
    weft_waitgroup_done(&select_receivers);
}

Test(parallel, select_under_contention_takes_each_value_once)
{
    parallel_mode();
    for (int round = 0; round < ROUNDS; round++) {
        select_received = select_sum = 0;
        weft_chan *quit = weft_chan_make(sizeof(int), 0);
        for (int i = 0; i < SELECT_CHANNELS; i++)
            select_chans[i] = weft_chan_make(sizeof(int), i % 2);
        weft_waitgroup_add(&select_senders, SELECT_CHANNELS);
        weft_waitgroup_add(&select_receivers, 3);
        for (int i = 0; i < 3; i++)
            weft_go(select_loop, quit);
        for (int i = 0; i < SELECT_CHANNELS; i++)
            weft_go(send_on_one, select_chans[i]);
        weft_waitgroup_wait(&select_senders);
        weft_chan_close(quit);
        weft_waitgroup_wait(&select_receivers);
        long per = (long)PER_CHANNEL * (PER_CHANNEL + 1) / 2;
        cr_assert_eq(select_received, SELECT_CHANNELS * PER_CHANNEL);
        cr_assert_eq(select_sum, SELECT_CHANNELS * per);
    }
}

/* ---- selects on both sides: a case reported is a value moved ---- */

/* A select's peer may be a case of another select that a plain send or
 * receive (holding only its channel's lock) claims between the look and
 * the hand-over; the select must look again, never report a send nobody
 * received or a receive of nothing. Every sender, select or plain, sends
 * PER_PAIR values on each channel and every receiver takes as many, so a
 * lost value leaves a goroutine blocked for ever. */
enum { SELECTS = 2, PER_PAIR = 1500 };

static weft_chan *both_chans[SELECT_CHANNELS];
static _Atomic long both_sum, both_empty;
static weft_waitgroup both_users;

static long unique_value(intptr_t sender, int channel, int i)
{
    return ((long)sender * SELECT_CHANNELS + channel) * PER_PAIR + i + 1;
}

static void select_sender(void *arg)
{
    intptr_t id = (intptr_t)arg;
    int sent[SELECT_CHANNELS] = {0};
    weft_chan *open[SELECT_CHANNELS];
    memcpy(open, both_chans, sizeof open);
    for (int i = 0; i < SELECT_CHANNELS * PER_PAIR; i++) {
        long v[SELECT_CHANNELS];
        struct weft_case cases[SELECT_CHANNELS];
        for (int k = 0; k < SELECT_CHANNELS; k++) {
            v[k] = unique_value(id, k, sent[k]);
            cases[k] = WEFT_SEND_CASE(open[k], &v[k]);
        }
        int k = weft_select(cases, SELECT_CHANNELS);
        if (++sent[k] == PER_PAIR)
            open[k] = NULL; /* a nil channel's case is never ready */
    }
    weft_waitgroup_done(&both_users);
}

static void select_receiver(void *arg)
{
    (void)arg;
    int got[SELECT_CHANNELS] = {0};
    weft_chan *open[SELECT_CHANNELS];
    memcpy(open, both_chans, sizeof open);
    for (int i = 0; i < SELECT_CHANNELS * PER_PAIR; i++) {
        long v[SELECT_CHANNELS] = {0};
        struct weft_case cases[SELECT_CHANNELS];
        for (int k = 0; k < SELECT_CHANNELS; k++)
            cases[k] = WEFT_RECV_CASE(open[k], &v[k]);
        int k = weft_select(cases, SELECT_CHANNELS);
        if (!cases[k].ok || v[k] == 0)
            atomic_fetch_add(&both_empty, 1);
        atomic_fetch_add(&both_sum, v[k]);
        if (++got[k] == PER_PAIR)
            open[k] = NULL;
    }
    weft_waitgroup_done(&both_users);
}

static void plain_sender(void *arg)
{
    int k = (int)(intptr_t)arg;
    for (int i = 0; i < PER_PAIR; i++) {
        long v = unique_value(SELECTS, k, i);
        weft_chan_send(both_chans[k], &v);
    }
    weft_waitgroup_done(&both_users);
}

static void plain_receiver(void *arg)
{
    int k = (int)(intptr_t)arg;
    for (int i = 0; i < PER_PAIR; i++) {
        long v = 0;
        if (!weft_chan_recv_ok(both_chans[k], &v) || v == 0)
            atomic_fetch_add(&both_empty, 1);
        atomic_fetch_add(&both_sum, v);
    }
    weft_waitgroup_done(&both_users);
}

Test(parallel, select_meets_select_and_moves_every_value)
{
    parallel_mode();
    for (int round = 0; round < ROUNDS; round++) {
        both_sum = both_empty = 0;
        for (int k = 0; k < SELECT_CHANNELS; k++)
            both_chans[k] = weft_chan_make(sizeof(long), k % 2);
        weft_waitgroup_add(&both_users, 2 * (SELECTS + SELECT_CHANNELS));
        for (intptr_t s = 0; s < SELECTS; s++) {
            weft_go(select_sender, (void *)s);
            weft_go(select_receiver, NULL);
        }
        for (intptr_t k = 0; k < SELECT_CHANNELS; k++) {
            weft_go(plain_sender, (void *)k);
            weft_go(plain_receiver, (void *)k);
        }
        weft_waitgroup_wait(&both_users);
        long n = (long)(SELECTS + 1) * SELECT_CHANNELS * PER_PAIR;
        cr_assert_eq(both_empty, 0, "%ld receives got no value", both_empty);
        cr_assert_eq(both_sum, n * (n + 1) / 2);
        for (int k = 0; k < SELECT_CHANNELS; k++)
            weft_chan_free(both_chans[k]);
    }
}

/* ---- Mutex, RWMutex, WaitGroup, Cond ---- */

enum { INCREMENTERS = 8, INCREMENTS = 20000 };

static weft_mutex counter_lock;
static long counter;
static weft_waitgroup incrementers;

static void increment(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        weft_mutex_lock(&counter_lock);
        counter++;
        weft_mutex_unlock(&counter_lock);
    }
    weft_waitgroup_done(&incrementers);
}

Test(parallel, mutex_counts_every_increment)
{
    parallel_mode();
    for (int round = 0; round < ROUNDS; round++) {
        counter = 0;
        weft_waitgroup_add(&incrementers, INCREMENTERS);
        for (int i = 0; i < INCREMENTERS; i++)
            weft_go(increment, NULL);
        weft_waitgroup_wait(&incrementers);
        cr_assert_eq(counter, INCREMENTERS * INCREMENTS);
    }
}

static weft_rwmutex pair_lock;
static long pair_a, pair_b; /* always equal under the lock */
static _Atomic long torn_reads;
static weft_waitgroup pair_users;

static void write_pair(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        weft_rwmutex_lock(&pair_lock);
        pair_a++;
        pair_b++;
        weft_rwmutex_unlock(&pair_lock);
    }
    weft_waitgroup_done(&pair_users);
}

static void read_pair(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        weft_rwmutex_rlock(&pair_lock);
        if (pair_a != pair_b)
            atomic_fetch_add(&torn_reads, 1);
        weft_rwmutex_runlock(&pair_lock);
    }
    weft_waitgroup_done(&pair_users);
}

Test(parallel, rwmutex_readers_never_see_a_half_write)
{
    parallel_mode();
    pair_a = pair_b = 0;
    torn_reads = 0;
    weft_waitgroup_add(&pair_users, 8);
    for (int i = 0; i < 2; i++)
        weft_go(write_pair, NULL);
    for (int i = 0; i < 6; i++)
        weft_go(read_pair, NULL);
    weft_waitgroup_wait(&pair_users);
    cr_assert_eq(torn_reads, 0);
    cr_assert_eq(pair_a, 10000);
}

enum { QUEUE = 4, ITEMS = 20000 };

static weft_mutex queue_lock;
static weft_cond not_empty = WEFT_COND_INIT(&queue_lock),
                 not_full = WEFT_COND_INIT(&queue_lock);
static int queue[QUEUE], queue_length;
static long consumed_sum;
static weft_waitgroup queue_users;

static void cond_producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        weft_mutex_lock(&queue_lock);
        while (queue_length == QUEUE)
            weft_cond_wait(&not_full);
        queue[queue_length++] = i;
        weft_cond_signal(&not_empty);
        weft_mutex_unlock(&queue_lock);
    }
    weft_waitgroup_done(&queue_users);
}

static void cond_consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        weft_mutex_lock(&queue_lock);
        while (queue_length == 0)
            weft_cond_wait(&not_empty);
        consumed_sum += queue[--queue_length];
        weft_cond_signal(&not_full);
        weft_mutex_unlock(&queue_lock);
    }
    weft_waitgroup_done(&queue_users);
}

Test(parallel, cond_hands_every_item_over)
{
    parallel_mode();
    weft_waitgroup_add(&queue_users, 4);
    for (int i = 0; i < 2; i++) {
        weft_go(cond_producer, NULL);
        weft_go(cond_consumer, NULL);
    }
    weft_waitgroup_wait(&queue_users);
    cr_assert_eq(consumed_sum, 2L * ITEMS * (ITEMS + 1) / 2);
    cr_assert_eq(queue_length, 0);
}

static weft_once once;
static _Atomic int once_runs, once_after;
static weft_waitgroup once_users;

static void init_once(void *arg)
{
    (void)arg;
    usleep(1000); /* long enough for the others to arrive and wait */
    atomic_fetch_add(&once_runs, 1);
}

static void use_once(void *arg)
{
    (void)arg;
    weft_once_do(&once, init_once, NULL);
    if (atomic_load(&once_runs) == 1)
        atomic_fetch_add(&once_after, 1);
    weft_waitgroup_done(&once_users);
}

Test(parallel, once_runs_once_and_everyone_returns_after_it)
{
    parallel_mode();
    weft_waitgroup_add(&once_users, 16);
    for (int i = 0; i < 16; i++)
        weft_go(use_once, NULL);
    weft_waitgroup_wait(&once_users);
    cr_assert_eq(once_runs, 1);
    cr_assert_eq(once_after, 16);
}

/* ---- timers fire in deadline order ---- */

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * WEFT_SECOND + ts.tv_nsec;
}

Test(parallel, timers_fire_in_deadline_order)
{
    parallel_mode();
    enum { TIMERS = 20 };
    weft_timer *timers[TIMERS];
    /* each deadline lies between the clock before and after its timer was
     * made, plus its duration: a loaded machine may stretch the loop */
    int64_t earliest[TIMERS], latest[TIMERS];
    for (int i = 0; i < TIMERS; i++) { /* made out of order */
        int64_t duration = (TIMERS - i) * WEFT_MILLISECOND / 2;
        earliest[i] = monotonic_ns() + duration;
        timers[i] = weft_timer_new(duration);
        latest[i] = monotonic_ns() + duration;
    }
    int64_t fired[TIMERS];
    for (int i = 0; i < TIMERS; i++)
        weft_chan_recv(weft_timer_chan(timers[i]), &fired[i]);
    for (int i = 0; i < TIMERS; i++)
        for (int j = 0; j < TIMERS; j++)
            if (latest[j] < earliest[i]) /* j's deadline is the earlier */
                cr_assert_leq(fired[j], fired[i],
                              "timer %d (earlier deadline) fired after "
                              "timer %d",
                              j, i);
    for (int i = 0; i < TIMERS; i++)
        weft_timer_free(timers[i]);
}

/* ---- timers started, stopped and reset on every worker ---- */

enum { TIMER_USERS = 16, TIMER_ROUNDS = 40, RESETTERS = 8 };

static weft_waitgroup timer_users;
static weft_timer *shared_timer;
static _Atomic int short_sleeps, stray_ticks, late_timeouts;

/* Each round: a sleep that must last its duration, a timer stopped before
 * it fires (whose channel must stay empty), one that fires, a select that
 * times out, and a reset of a timer other workers reset too. */
static void use_timers(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    weft_chan *never = weft_chan_make(sizeof(int), 0);
    for (int round = 0; round < TIMER_ROUNDS; round++) {
        int64_t nap = (rand_r(&seed) % 200) * WEFT_MICROSECOND;
        int64_t before = monotonic_ns();
        weft_sleep(nap);
        if (monotonic_ns() - before < nap)
            atomic_fetch_add(&short_sleeps, 1);

        weft_timer *stopped = weft_timer_new(WEFT_HOUR);
        cr_assert(weft_timer_stop(stopped), "an hour's timer was not active");
        if (weft_chan_len(weft_timer_chan(stopped)))
            atomic_fetch_add(&stray_ticks, 1);
        weft_timer_free(stopped);

        weft_timer *fires = weft_timer_new(50 * WEFT_MICROSECOND);
        int64_t when;
        weft_chan_recv(weft_timer_chan(fires), &when);
        cr_assert(!weft_timer_stop(fires), "a fired timer was still active");
        weft_timer_free(fires);

        int v;
        struct weft_case cases[] = {
            WEFT_RECV_CASE(never, &v),
            WEFT_RECV_CASE(weft_after(100 * WEFT_MICROSECOND), &when)};
        if (weft_select(cases, 2) != 1)
            atomic_fetch_add(&late_timeouts, 1);

        if ((int)(seed % TIMER_USERS) < RESETTERS)
            weft_timer_reset(shared_timer,
                             (1 + rand_r(&seed) % 100) * WEFT_MICROSECOND);
    }
    weft_chan_free(never);
    weft_waitgroup_done(&timer_users);
}

Test(parallel, timers_started_and_stopped_on_every_worker)
{
    parallel_mode();
    shared_timer = weft_timer_new(WEFT_HOUR);
    weft_waitgroup_add(&timer_users, TIMER_USERS);
    for (uintptr_t i = 0; i < TIMER_USERS; i++)
        weft_go(use_timers, (void *)i);
    weft_waitgroup_wait(&timer_users);
    cr_assert_eq(short_sleeps, 0);
    cr_assert_eq(stray_ticks, 0);
    cr_assert_eq(late_timeouts, 0);
    /* after the resets from every worker, the shared timer is one timer */
    weft_timer_stop(shared_timer);
    int64_t when;
    while (weft_chan_len(weft_timer_chan(shared_timer)))
        weft_chan_recv(weft_timer_chan(shared_timer), &when);
    cr_assert(!weft_timer_reset(shared_timer, WEFT_MILLISECOND));
    weft_chan_recv(weft_timer_chan(shared_timer), &when);
    weft_sleep(5 * WEFT_MILLISECOND);
    cr_assert_eq(weft_chan_len(weft_timer_chan(shared_timer)), 0,
                 "a timer reset on several workers fired twice");
    cr_assert(!weft_timer_stop(shared_timer));
    weft_timer_free(shared_timer);
}

/* ---- contexts cancelled across workers ---- */

enum { CONTEXT_USERS = 16, CONTEXT_ROUNDS = 40, ROOT_WAITERS = 8 };

static weft_context *root_context;
static weft_waitgroup context_users, root_waiters, waiters_done;
static _Atomic int wrong_errors;

static void expect_err(weft_context *ctx, enum weft_context_err want)
{
    if (weft_context_err(ctx) != want)
        atomic_fetch_add(&wrong_errors, 1);
}

/* A subtree whose deadline fires on some worker while others cancel and
 * free theirs: each done closes once, each err is the cause. */
static void use_contexts(void *arg)
{
    (void)arg;
    for (int round = 0; round < CONTEXT_ROUNDS; round++) {
        weft_context *a = weft_context_with_cancel(root_context);
        weft_context *b = weft_context_with_timeout(a, 50 * WEFT_MICROSECOND);
        weft_context *c = weft_context_with_timeout(b, WEFT_HOUR);
        weft_context *d = weft_context_with_timeout(a, WEFT_HOUR);
        weft_chan_recv(weft_context_done(c), NULL); /* b's deadline */
        expect_err(b, WEFT_CONTEXT_DEADLINE_EXCEEDED);
        expect_err(c, WEFT_CONTEXT_DEADLINE_EXCEEDED);
        expect_err(d, WEFT_CONTEXT_OK);
        if (round % 2) { /* d's timer stops with a's cancel */
            weft_context_cancel(a);
            weft_chan_recv(weft_context_done(d), NULL);
            expect_err(d, WEFT_CONTEXT_CANCELED);
            weft_context_free(a);
            weft_context_free(d);
        } else { /* d's timer stops with its free */
            weft_context_free(d);
            weft_context_free(a);
        }
        weft_context_free(c);
        weft_context_free(b);
    }
    weft_waitgroup_done(&context_users);
}

static void wait_for_root(void *arg)
{
    (void)arg;
    weft_context *child = weft_context_with_timeout(root_context, WEFT_HOUR);
    weft_waitgroup_done(&root_waiters);
    weft_chan_recv(weft_context_done(child), NULL);
    expect_err(child, WEFT_CONTEXT_CANCELED);
    weft_context_free(child);
    weft_waitgroup_done(&waiters_done);
}

Test(parallel, contexts_cancelled_across_workers)
{
    parallel_mode();
    root_context = weft_context_with_cancel(weft_context_background());
    weft_waitgroup_add(&context_users, CONTEXT_USERS);
    weft_waitgroup_add(&waiters_done, ROOT_WAITERS);
    weft_waitgroup_add(&root_waiters, ROOT_WAITERS);
    for (int i = 0; i < ROOT_WAITERS; i++)
        weft_go(wait_for_root, NULL);
    for (int i = 0; i < CONTEXT_USERS; i++)
        weft_go(use_contexts, NULL);
    weft_waitgroup_wait(&root_waiters);
    weft_waitgroup_wait(&context_users);
    weft_context_cancel(root_context); /* reaches the waiters' children */
    weft_waitgroup_wait(&waiters_done);
    cr_assert_eq(wrong_errors, 0);
    weft_context_free(root_context);
}

/* ---- timed cond waits (the posix layer's) across workers ---- */

enum { TIMED_WAITERS = 16, TIMED_ROUNDS = 40 };

static weft_mutex timed_lock;
static weft_cond timed_cond = WEFT_COND_INIT(&timed_lock);
static weft_waitgroup timed_waiters;
static long tokens, taken, timeouts;

/* Each round waits up to 100 µs for a token another worker signals, or
 * times out (its timer firing on any worker while Signals come): no token
 * is lost or taken twice. */
static void wait_timed(void *arg)
{
    (void)arg;
    for (int round = 0; round < TIMED_ROUNDS; round++) {
        weft_mutex_lock(&timed_lock);
        while (tokens == 0)
            if (!cond_wait_until(&timed_cond,
                                 weft_now() + 100 * WEFT_MICROSECOND)) {
                timeouts++;
                break;
            }
        if (tokens > 0) {
            tokens--;
            taken++;
        }
        weft_mutex_unlock(&timed_lock);
    }
    weft_waitgroup_done(&timed_waiters);
}

Test(parallel, timed_cond_waits_time_out_or_take_a_signal)
{
    parallel_mode();
    weft_waitgroup_add(&timed_waiters, TIMED_WAITERS);
    for (int i = 0; i < TIMED_WAITERS; i++)
        weft_go(wait_timed, NULL);
    long given = 0;
    for (int i = 0; i < TIMED_WAITERS * TIMED_ROUNDS / 2; i++) {
        weft_mutex_lock(&timed_lock);
        tokens++;
        given++;
        weft_cond_signal(&timed_cond);
        weft_mutex_unlock(&timed_lock);
        if (i % 8 == 0)
            weft_sleep(50 * WEFT_MICROSECOND);
    }
    weft_waitgroup_wait(&timed_waiters);
    cr_assert_eq(taken + tokens, given, "tokens lost or made up");
}

/* ---- every core ---- */

static _Atomic int distinct_threads;
static _Atomic pid_t threads_seen[64];
static weft_waitgroup spinners;

static void spin_and_record(void *arg)
{
    (void)arg;
    pid_t me = gettid();
    bool known = false;
    for (int i = 0; i < atomic_load(&distinct_threads); i++)
        known |= threads_seen[i] == me;
    if (!known)
        threads_seen[atomic_fetch_add(&distinct_threads, 1) % 64] = me;
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 20000000; i++) /* no weft call: busy */
        x = x + i;
    weft_waitgroup_done(&spinners);
}

Test(parallel, busy_goroutines_run_on_several_threads)
{
    parallel_mode();
    weft_waitgroup_add(&spinners, 8);
    for (int i = 0; i < 8; i++)
        weft_go(spin_and_record, NULL);
    weft_waitgroup_wait(&spinners);
    cr_assert_gt(distinct_threads, 1);
}

/* ---- deadlocks are still found ---- */

static void receive_forever(void *arg)
{
    weft_chan_recv(arg, NULL);
}

static void everyone_blocked(void)
{
    parallel_mode();
    weft_chan *never = weft_chan_make(sizeof(int), 0);
    static weft_waitgroup wg;
    weft_waitgroup_add(&wg, 1);
    for (int i = 0; i < 6; i++)
        weft_go(receive_forever, never);
    weft_waitgroup_wait(&wg);
}

Test(parallel, all_goroutines_asleep_is_a_deadlock_on_any_worker)
{
    struct child_result r;
    child_run(everyone_blocked, &r);
    cr_assert_eq(r.exit_status, 2, "%s", r.output);
    cr_assert(strstr(r.output,
                     "fatal error: all goroutines are asleep - deadlock!\n"),
              "%s", r.output);
    cr_assert(strstr(r.output, "goroutine 1 [wait group]:\n"), "%s", r.output);
    cr_assert(strstr(r.output, "goroutine 7 [chan receive]:\n"), "%s",
              r.output);
}

/* ---- sockets: the netpoller with several workers ---- */

enum { CONNECTIONS = 1000, ROUND_TRIPS = 10 };

static weft_waitgroup servers, clients;
static _Atomic long echoed;

static void serve_echo(void *arg)
{
    weft_conn *c = arg;
    char buffer[64];
    ssize_t n;
    while ((n = weft_conn_read(c, buffer, sizeof buffer)) > 0)
        weft_conn_write(c, buffer, (size_t)n);
    weft_conn_close(c);
    weft_waitgroup_done(&servers);
}

static void accept_all(void *arg)
{
    for (int i = 0; i < CONNECTIONS; i++) {
        int error = 0;
        weft_conn *c = weft_accept(arg, &error);
        cr_assert(c, "accept: %s", weft_net_strerror(error));
        weft_go(serve_echo, c);
    }
}

static void echo_client(void *arg)
{
    int port = (int)(long)arg, error = 0;
    weft_conn *c = weft_dial_tcp("127.0.0.1", port, &error);
    cr_assert(c, "dial: %s", weft_net_strerror(error));
    weft_conn_set_deadline(c, weft_now() + 30 * WEFT_SECOND);
    for (long i = 0; i < ROUND_TRIPS; i++) {
        long back = -1;
        cr_assert_eq(weft_conn_write(c, &i, sizeof i), (ssize_t)sizeof i);
        size_t got = 0;
        while (got < sizeof back) {
            ssize_t n =
                weft_conn_read(c, (char *)&back + got, sizeof back - got);
            cr_assert_gt(n, 0, "read: %s", weft_net_strerror((int)n));
            got += (size_t)n;
        }
        cr_assert_eq(back, i);
        atomic_fetch_add(&echoed, 1);
    }
    weft_conn_close(c);
    weft_waitgroup_done(&clients);
}

Test(parallel, loopback_echo_on_several_workers)
{
    parallel_mode();
    struct rlimit files;
    getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < 4 * CONNECTIONS) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    int error = 0;
    weft_listener *l = weft_listen_tcp("127.0.0.1", 0, &error);
    cr_assert(l, "listen: %s", weft_net_strerror(error));
    int port = weft_listener_port(l);
    weft_waitgroup_add(&servers, CONNECTIONS);
    weft_waitgroup_add(&clients, CONNECTIONS);
    weft_go(accept_all, l);
    for (long i = 0; i < CONNECTIONS; i++)
        weft_go(echo_client, (void *)(long)port);
    weft_waitgroup_wait(&clients);
    weft_waitgroup_wait(&servers);
    cr_assert_eq(echoed, CONNECTIONS * ROUND_TRIPS);
    weft_listener_close(l);
}

/* ---- shutdown with goroutines parked in I/O on several workers ---- */

enum { PARKED = 64 };

static _Atomic int woken_by_close;
static weft_waitgroup parked_readers;

static void read_until_closed(void *arg)
{
    char byte;
    ssize_t n = weft_conn_read(arg, &byte, 1); /* nothing ever comes */
    if (n == -EBADF)
        atomic_fetch_add(&woken_by_close, 1);
    weft_waitgroup_done(&parked_readers);
}

Test(parallel, closing_wakes_goroutines_parked_in_io_on_any_worker)
{
    parallel_mode();
    int error = 0;
    weft_listener *l = weft_listen_tcp("127.0.0.1", 0, &error);
    cr_assert(l, "listen: %s", weft_net_strerror(error));
    weft_conn *near[PARKED], *far[PARKED];
    for (int i = 0; i < PARKED; i++) {
        near[i] = weft_dial_tcp("127.0.0.1", weft_listener_port(l), &error);
        cr_assert(near[i], "dial: %s", weft_net_strerror(error));
        far[i] = weft_accept(l, &error);
        cr_assert(far[i], "accept: %s", weft_net_strerror(error));
    }
    weft_waitgroup_add(&parked_readers, PARKED);
    for (int i = 0; i < PARKED; i++)
        weft_go(read_until_closed, near[i]);
    weft_sleep(10 * WEFT_MILLISECOND); /* let them park */
    for (int i = 0; i < PARKED; i++)
        weft_conn_close(near[i]);
    weft_waitgroup_wait(&parked_readers);
    cr_assert_eq(woken_by_close, PARKED);
    for (int i = 0; i < PARKED; i++)
        weft_conn_close(far[i]);
    weft_listener_close(l);
}
