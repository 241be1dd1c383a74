/* Cond: Wait releases the mutex, Signal wakes one in order, Broadcast all,
 * a Signal with no waiter is lost. */
#include <criterion/criterion.h>
#include <weft.h>

#include "child.h"

static weft_mutex mu;
static weft_cond cond = WEFT_COND_INIT(&mu);
static char woken[8];
static int woken_count;
static int ready_flag;

static void wait_for_flag(void *arg)
{
    weft_mutex_lock(&mu);
    while (!ready_flag)
        weft_cond_wait(&cond);
    woken[woken_count++] = *(char *)arg;
    weft_mutex_unlock(&mu);
}

static void wait_once(void *arg)
{
    weft_mutex_lock(&mu);
    weft_cond_wait(&cond);
    woken[woken_count++] = *(char *)arg;
    weft_mutex_unlock(&mu);
}

Test(cond, wait_releases_the_mutex_while_waiting)
{
    weft_go(wait_once, "a");
    weft_yield();
    cr_assert(weft_mutex_trylock(&mu)); /* the waiter let go of it */
    weft_cond_signal(&cond);
    weft_mutex_unlock(&mu);
    weft_yield();
    cr_assert_str_eq(woken, "a");
}

Test(cond, signal_wakes_one_waiter_in_fifo_order)
{
    weft_go(wait_once, "a");
    weft_go(wait_once, "b");
    weft_go(wait_once, "c");
    weft_yield();
    weft_cond_signal(&cond);
    weft_yield();
    cr_assert_str_eq(woken, "a");
    weft_cond_signal(&cond);
    weft_yield();
    cr_assert_str_eq(woken, "ab");
}

Test(cond, broadcast_wakes_every_waiter)
{
    weft_go(wait_for_flag, "a");
    weft_go(wait_for_flag, "b");
    weft_yield();
    weft_mutex_lock(&mu);
    ready_flag = 1;
    weft_cond_broadcast(&cond);
    weft_mutex_unlock(&mu);
    weft_yield();
    weft_yield();
    cr_assert_str_eq(woken, "ab");
}

Test(cond, a_signal_with_no_waiter_is_lost)
{
    weft_cond_signal(&cond);
    weft_go(wait_once, "a");
    weft_yield();
    weft_yield();
    cr_assert_eq(woken_count, 0);
    weft_cond_signal(&cond);
    weft_yield();
    cr_assert_str_eq(woken, "a");
}

/* Producer/consumer on a bounded queue, under many schedules. */
struct queue {
    weft_mutex mu;
    weft_cond not_empty, not_full;
    int items[4], head, count, consumed_sum;
};

static void producer(void *arg)
{
    struct queue *q = arg;
    for (int i = 1; i <= 50; i++) {
        weft_mutex_lock(&q->mu);
        while (q->count == 4)
            weft_cond_wait(&q->not_full);
        q->items[(q->head + q->count++) % 4] = i;
        weft_cond_signal(&q->not_empty);
        weft_mutex_unlock(&q->mu);
    }
}

static void consumer(void *arg)
{
    struct queue *q = arg;
    for (int i = 0; i < 50; i++) {
        weft_mutex_lock(&q->mu);
        while (q->count == 0)
            weft_cond_wait(&q->not_empty);
        q->consumed_sum += q->items[q->head];
        q->head = (q->head + 1) % 4;
        q->count--;
        weft_cond_signal(&q->not_full);
        weft_mutex_unlock(&q->mu);
    }
}

static void bounded_queue(void *arg)
{
    struct queue *q = arg;
    weft_cond_init(&q->not_empty, &q->mu);
    weft_cond_init(&q->not_full, &q->mu);
    weft_go(producer, q);
    consumer(q);
}

Test(cond, bounded_queue_passes_every_item_under_every_seed)
{
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct queue q = {0};
        struct weft_random_strategy random;
        weft_strategy_random_init(&random, seed);
        struct weft_config config = {.strategy = &random.base};
        weft_run(bounded_queue, &q, &config);
        cr_assert_eq(q.consumed_sum, 50 * 51 / 2, "seed %llu",
                     (unsigned long long)seed);
    }
}

/* ---- a cond on a locker ---- */

static weft_rwmutex rw;
static weft_cond read_cond;
static int published;
static int readers_saw;

static void read_when_published(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(&rw);
    while (!published)
        weft_cond_wait(&read_cond);
    readers_saw += published;
    cr_assert_not(weft_rwmutex_trylock(&rw)); /* it holds a read lock */
    weft_rwmutex_runlock(&rw);
}

Test(cond, rlocker_cond_waits_holding_a_read_lock)
{
    /* Go's sync.NewCond(rw.RLocker()) */
    weft_cond_init_locker(&read_cond, weft_rwmutex_rlocker(&rw));
    for (int i = 0; i < 3; i++)
        weft_go(read_when_published, NULL);
    weft_yield();
    cr_assert(weft_rwmutex_trylock(&rw)); /* the waiters let go of it */
    published = 1;
    weft_cond_broadcast(&read_cond);
    weft_rwmutex_unlock(&rw);
    while (weft_goroutine_count() > 1)
        weft_yield();
    cr_assert_eq(readers_saw, 3);
    cr_assert_eq(rw.readers, 0);
}

static weft_mutex yielding_mu;
static weft_cond yielding_cond;
static int signalled_flag;
static weft_waitgroup waiter_returned;

static void lock_mutex(void *m)
{
    weft_mutex_lock(m);
}

/* Lets others run between the unlock and the wait. */
static void unlock_and_yield(void *m)
{
    weft_mutex_unlock(m);
    weft_yield();
}

static void wait_for_signalled_flag(void *arg)
{
    (void)arg;
    weft_mutex_lock(&yielding_mu);
    while (!signalled_flag)
        weft_cond_wait(&yielding_cond);
    weft_mutex_unlock(&yielding_mu);
    weft_waitgroup_done(&waiter_returned);
}

static void set_flag_and_signal(void *arg)
{
    (void)arg;
    weft_mutex_lock(&yielding_mu);
    signalled_flag = 1;
    weft_cond_signal(&yielding_cond);
    weft_mutex_unlock(&yielding_mu);
}

Test(cond, signal_during_the_lockers_unlock_is_not_lost)
{
    struct weft_locker locker = {lock_mutex, unlock_and_yield, &yielding_mu};
    weft_cond_init_locker(&yielding_cond, locker);
    weft_waitgroup_add(&waiter_returned, 1);
    weft_go(wait_for_signalled_flag, NULL);
    weft_go(set_flag_and_signal, NULL);
    weft_waitgroup_wait(&waiter_returned); /* a deadlock if it were lost */
    cr_assert_eq(weft_goroutine_count(), 1);
}

Test(cond, mutex_locker_is_the_mutex)
{
    weft_mutex m = {0};
    weft_cond c;
    weft_cond_init_locker(&c, weft_mutex_locker(&m));
    cr_assert_eq(c.mutex, &m);
}

static void wait_without_the_read_lock(void)
{
    weft_rwmutex unlocked = {0};
    weft_cond c;
    weft_cond_init_locker(&c, weft_rwmutex_rlocker(&unlocked));
    weft_cond_wait(&c);
}

static void init_with_no_unlock(void)
{
    weft_cond c;
    weft_cond_init_locker(&c, (struct weft_locker){lock_mutex, NULL, NULL});
}

Test(cond, locker_misuse_panics)
{
    child_expect_start(wait_without_the_read_lock, 2,
                       "panic: sync: RUnlock of unlocked RWMutex\n");
    child_expect_start(init_with_no_unlock, 2,
                       "panic: weft_cond_init_locker: nil locker unlock\n");
}
