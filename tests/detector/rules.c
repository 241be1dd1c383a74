/* Every happens-before rule of DESIGN.md: a racy and a correct program,
 * each run under FIFO and several seeds, with exact verdicts. */
#include <stdatomic.h>

#include "race_test.h"

WEFT_CHAN_TYPE(int_chan, int)

static int x;
static weft_waitgroup done;
static weft_once once;
static int ready_flag;

/* Each schedule starts from the same state. */
static void reset(void)
{
    x = 0;
    ready_flag = 0;
    once = (weft_once){0};
}

/* ---- 1. go f() HB f's start; a goroutine's end orders nothing ---- */

static void read_x(void *arg)
{
    (void)arg;
    cr_assert_eq(x, 7);
    weft_waitgroup_done(&done);
}

static void go_orders_parent_before_child(void *arg)
{
    (void)arg;
    x = 7;
    weft_waitgroup_add(&done, 1);
    weft_go(read_x, NULL);
    weft_waitgroup_wait(&done);
}

static void write_x(void *arg)
{
    (void)arg;
    x = 7;
}

static void goroutine_end_orders_nothing(void *arg)
{
    (void)arg;
    weft_go(write_x, NULL);
    while (weft_goroutine_count() > 1)
        weft_yield();
    (void)x; /* after its end, but not ordered by it */
    int seen = x;
    (void)seen;
}

Test(rules, go_orders_parent_before_child)
{
    expect_no_race(go_orders_parent_before_child);
}

Test(rules, goroutine_end_orders_nothing)
{
    expect_race_always(goroutine_end_orders_nothing);
}

/* ---- 2. a send HB the completion of its receive ---- */

static int_chan *c;

static void write_then_send(void *arg)
{
    (void)arg;
    x = 1;
    int_chan_send(c, 1);
}

static void send_then_write(void *arg)
{
    (void)arg;
    int_chan_send(c, 1);
    x = 1;
    weft_waitgroup_done(&done);
}

static void send_orders_receive(void *arg)
{
    size_t capacity = (size_t)(uintptr_t)arg;
    c = int_chan_make(capacity);
    weft_go(write_then_send, NULL);
    int_chan_recv(c);
    cr_assert_eq(x, 1);
    int_chan_free(c);
}

static void receive_does_not_order_later_writes(void *arg)
{
    (void)arg;
    c = int_chan_make(1);
    weft_waitgroup_add(&done, 1);
    weft_go(send_then_write, NULL);
    int_chan_recv(c);
    int seen = x;
    (void)seen;
    weft_waitgroup_wait(&done);
    int_chan_free(c);
}

static void send_orders_receive_unbuffered(void *arg)
{
    (void)arg;
    send_orders_receive((void *)0);
}

static void send_orders_receive_buffered(void *arg)
{
    (void)arg;
    send_orders_receive((void *)4);
}

Test(rules, send_orders_receive)
{
    expect_no_race(send_orders_receive_unbuffered);
    expect_no_race(send_orders_receive_buffered);
}

Test(rules, receive_does_not_order_writes_after_the_send)
{
    expect_race_always(receive_does_not_order_later_writes);
}

/* ---- 3. unbuffered: a receive HB the completion of its send ---- */

static void send_then_read(void *arg)
{
    (void)arg;
    int_chan_send(c, 1);
    int seen = x;
    (void)seen;
    weft_waitgroup_done(&done);
}

static void write_then_receive(void *arg)
{
    size_t capacity = (size_t)(uintptr_t)arg;
    c = int_chan_make(capacity);
    weft_waitgroup_add(&done, 1);
    weft_go(send_then_read, NULL);
    x = 2;
    int_chan_recv(c);
    weft_waitgroup_wait(&done);
    int_chan_free(c);
}

static void unbuffered_receive_orders_send(void *arg)
{
    (void)arg;
    write_then_receive((void *)0);
}

static void buffered_receive_orders_no_send(void *arg)
{
    (void)arg;
    write_then_receive((void *)1);
}

Test(rules, unbuffered_receive_orders_its_send)
{
    expect_no_race(unbuffered_receive_orders_send);
}

Test(rules, buffered_receive_does_not_order_its_send)
{
    expect_race_always(buffered_receive_orders_no_send);
}

/* ---- 4. capacity C: the k-th receive HB the (k+C)-th send ---- */

static void critical_section(void *arg)
{
    (void)arg;
    int_chan_send(c, 0); /* acquire the semaphore */
    x++;
    int_chan_recv(c); /* release it */
    weft_waitgroup_done(&done);
}

static void semaphore(size_t capacity, int users)
{
    c = int_chan_make(capacity);
    weft_waitgroup_add(&done, users);
    for (int i = 0; i < users; i++)
        weft_go(critical_section, NULL);
    weft_waitgroup_wait(&done);
    int_chan_free(c);
}

static void semaphore_of_one(void *arg)
{
    (void)arg;
    semaphore(1, 3);
}

static void semaphore_of_two(void *arg)
{
    (void)arg;
    semaphore(2, 2);
}

Test(rules, buffered_channel_as_semaphore_orders_its_users)
{
    expect_no_race(semaphore_of_one);
}

Test(rules, semaphore_of_two_lets_two_users_race)
{
    expect_race_always(semaphore_of_two);
}

/* ---- 5. close HB a receive that returns because of it; len syncs
 * nothing ---- */

static void write_then_close(void *arg)
{
    (void)arg;
    x = 3;
    int_chan_close(c);
}

static void close_then_write(void *arg)
{
    (void)arg;
    int_chan_close(c);
    x = 3;
    weft_waitgroup_done(&done);
}

static void close_orders_receive(void *arg)
{
    (void)arg;
    c = int_chan_make(0);
    weft_go(write_then_close, NULL);
    int v;
    cr_assert_not(int_chan_recv_ok(c, &v));
    cr_assert_eq(x, 3);
    int_chan_free(c);
}

static void close_orders_nothing_after_it(void *arg)
{
    (void)arg;
    c = int_chan_make(0);
    weft_waitgroup_add(&done, 1);
    weft_go(close_then_write, NULL);
    int v;
    int_chan_recv_ok(c, &v);
    int seen = x;
    (void)seen;
    weft_waitgroup_wait(&done);
    int_chan_free(c);
}

static void write_then_fill(void *arg)
{
    (void)arg;
    x = 4;
    int_chan_send(c, 1);
}

static void len_orders_nothing(void *arg)
{
    (void)arg;
    c = int_chan_make(1);
    weft_go(write_then_fill, NULL);
    while (int_chan_len(c) == 0)
        weft_yield();
    int seen = x;
    (void)seen;
    int_chan_free(c);
}

Test(rules, close_orders_the_receive_it_ends)
{
    expect_no_race(close_orders_receive);
}

Test(rules, close_does_not_order_later_writes)
{
    expect_race_always(close_orders_nothing_after_it);
}

Test(rules, len_orders_nothing)
{
    expect_race_always(len_orders_nothing);
}

/* ---- 6. Mutex: the n-th Unlock HB the (n+1)-th Lock ---- */

static weft_mutex mu;

static void locked_increment(void *arg)
{
    (void)arg;
    weft_mutex_lock(&mu);
    x++;
    weft_mutex_unlock(&mu);
    weft_waitgroup_done(&done);
}

static void unlocked_increment(void *arg)
{
    (void)arg;
    x++;
    weft_waitgroup_done(&done);
}

static void increments(weft_fn first, weft_fn second)
{
    weft_waitgroup_add(&done, 3);
    weft_go(first, NULL);
    weft_go(second, NULL);
    weft_go(first, NULL);
    weft_waitgroup_wait(&done);
}

static void mutex_guards(void *arg)
{
    (void)arg;
    increments(locked_increment, locked_increment);
}

static void mutex_bypassed(void *arg)
{
    (void)arg;
    increments(locked_increment, unlocked_increment);
}

Test(rules, mutex_orders_critical_sections)
{
    expect_no_race(mutex_guards);
}

Test(rules, access_outside_the_mutex_races)
{
    expect_race_always(mutex_bypassed);
}

/* ---- 7. RWMutex: Unlock HB RLock and Lock; RUnlock HB Lock; readers are
 * not ordered with each other ---- */

static weft_rwmutex rw;

static void rw_writer(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(&rw);
    x++;
    weft_rwmutex_unlock(&rw);
    weft_waitgroup_done(&done);
}

static void rw_reader(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(&rw);
    int seen = x;
    (void)seen;
    weft_rwmutex_runlock(&rw);
    weft_waitgroup_done(&done);
}

static void rw_reader_that_writes(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(&rw);
    x++;
    weft_rwmutex_runlock(&rw);
    weft_waitgroup_done(&done);
}

static void rwmutex_guards(void *arg)
{
    (void)arg;
    weft_waitgroup_add(&done, 4);
    weft_go(rw_reader, NULL);
    weft_go(rw_writer, NULL);
    weft_go(rw_reader, NULL);
    weft_go(rw_writer, NULL);
    weft_waitgroup_wait(&done);
}

static void rwmutex_readers_unordered(void *arg)
{
    (void)arg;
    weft_waitgroup_add(&done, 2);
    weft_go(rw_reader_that_writes, NULL);
    weft_go(rw_reader_that_writes, NULL);
    weft_waitgroup_wait(&done);
}

Test(rules, rwmutex_orders_writers_with_readers)
{
    expect_no_race(rwmutex_guards);
}

Test(rules, rwmutex_readers_are_not_ordered_with_each_other)
{
    expect_race_always(rwmutex_readers_unordered);
}

/* ---- 8. WaitGroup: each Done HB the Wait it releases ---- */

static int slots[4];

static void fill_slot(void *arg)
{
    slots[(uintptr_t)arg] = 1;
    weft_waitgroup_done(&done);
}

static void waitgroup_scenario(bool read_before_wait)
{
    weft_waitgroup_add(&done, 4);
    for (uintptr_t i = 0; i < 4; i++)
        weft_go(fill_slot, (void *)i);
    int sum = 0;
    if (read_before_wait)
        sum += slots[2];
    weft_waitgroup_wait(&done);
    for (int i = 0; i < 4; i++)
        sum += slots[i];
    (void)sum;
}

static void waitgroup_orders(void *arg)
{
    (void)arg;
    waitgroup_scenario(false);
}

static void read_before_wait(void *arg)
{
    (void)arg;
    waitgroup_scenario(true);
}

Test(rules, waitgroup_done_orders_wait)
{
    expect_no_race(waitgroup_orders);
}

Test(rules, reading_before_wait_races)
{
    expect_race_always(read_before_wait);
}

/* ---- 9. Once: f's completion HB every return of once_do ---- */

static void init_x(void *arg)
{
    (void)arg;
    x = 9;
}

static void once_then_read(void *arg)
{
    (void)arg;
    weft_once_do(&once, init_x, NULL);
    cr_assert_eq(x, 9);
    weft_waitgroup_done(&done);
}

static void once_orders(void *arg)
{
    (void)arg;
    reset();
    weft_waitgroup_add(&done, 3);
    for (int i = 0; i < 3; i++)
        weft_go(once_then_read, NULL);
    weft_waitgroup_wait(&done);
}

static void once_in_child(void *arg)
{
    (void)arg;
    weft_once_do(&once, init_x, NULL);
    weft_waitgroup_done(&done);
}

static void read_without_once(void *arg)
{
    (void)arg;
    reset();
    weft_waitgroup_add(&done, 1);
    weft_go(once_in_child, NULL);
    int seen = x; /* no once_do here */
    (void)seen;
    weft_waitgroup_wait(&done);
}

Test(rules, once_orders_every_caller_after_f)
{
    expect_no_race(once_orders);
}

Test(rules, reading_without_once_races)
{
    expect_race_always(read_without_once);
}

/* ---- 10. Cond: Signal HB the return of the Wait it wakes ---- */

static weft_cond cond;

static void producer(void *arg)
{
    bool write_after = arg != NULL;
    weft_mutex_lock(&mu);
    ready_flag = 1;
    if (!write_after)
        x = 42;
    weft_cond_signal(&cond);
    weft_mutex_unlock(&mu);
    if (write_after)
        x = 42;
    weft_waitgroup_done(&done);
}

static void cond_scenario(bool write_after)
{
    reset();
    weft_cond_init(&cond, &mu);
    weft_waitgroup_add(&done, 1);
    weft_go(producer, write_after ? (void *)1 : NULL);
    weft_mutex_lock(&mu);
    while (!ready_flag)
        weft_cond_wait(&cond);
    weft_mutex_unlock(&mu);
    int seen = x;
    (void)seen;
    weft_waitgroup_wait(&done);
}

static void cond_orders(void *arg)
{
    (void)arg;
    cond_scenario(false);
}

static void cond_write_after_unlock(void *arg)
{
    (void)arg;
    cond_scenario(true);
}

Test(rules, cond_signal_orders_the_woken_wait)
{
    expect_no_race(cond_orders);
}

Test(rules, cond_does_not_order_writes_after_the_signal)
{
    expect_race_always(cond_write_after_unlock);
}

/* The same on a read lock (Go's sync.NewCond(rw.RLocker())): the waiter
 * holds a read lock, the producer writes under the write lock. */
static weft_cond read_cond;

static void write_locked_producer(void *arg)
{
    bool write_after = arg != NULL;
    weft_rwmutex_lock(&rw);
    ready_flag = 1;
    if (!write_after)
        x = 42;
    weft_cond_signal(&read_cond);
    weft_rwmutex_unlock(&rw);
    if (write_after)
        x = 42;
    weft_waitgroup_done(&done);
}

static void read_cond_scenario(bool write_after)
{
    reset();
    weft_cond_init_locker(&read_cond, weft_rwmutex_rlocker(&rw));
    weft_waitgroup_add(&done, 1);
    weft_go(write_locked_producer, write_after ? (void *)1 : NULL);
    weft_rwmutex_rlock(&rw);
    while (!ready_flag)
        weft_cond_wait(&read_cond);
    int seen = x;
    (void)seen;
    weft_rwmutex_runlock(&rw);
    weft_waitgroup_wait(&done);
}

static void read_cond_orders(void *arg)
{
    (void)arg;
    read_cond_scenario(false);
}

static void read_cond_write_after_unlock(void *arg)
{
    (void)arg;
    read_cond_scenario(true);
}

Test(rules, cond_on_a_read_lock_orders_the_woken_wait)
{
    expect_no_race(read_cond_orders);
}

Test(rules, cond_on_a_read_lock_does_not_order_writes_after_the_unlock)
{
    expect_race_always(read_cond_write_after_unlock);
}

/* ---- 12. select follows the rule of its case; a default orders
 * nothing ---- */

static void write_then_select_send(void *arg)
{
    (void)arg;
    x = 5;
    int v = 1;
    struct weft_case cases[] = {WEFT_SEND_CASE(int_chan_chan(c), &v)};
    weft_select(cases, 1);
}

static void select_orders(void *arg)
{
    (void)arg;
    c = int_chan_make(0);
    weft_chan *never = weft_chan_make(sizeof(int), 0);
    weft_go(write_then_select_send, NULL);
    int v;
    struct weft_case cases[] = {WEFT_RECV_CASE(int_chan_chan(c), &v),
                                WEFT_RECV_CASE(never, &v)};
    cr_assert_eq(weft_select(cases, 2), 0);
    cr_assert_eq(x, 5);
    int_chan_free(c);
    weft_chan_free(never);
}

static void write_x_and_signal(void *arg)
{
    (void)arg;
    x = 5;
    weft_waitgroup_done(&done);
}

static void select_default_orders_nothing(void *arg)
{
    (void)arg;
    c = int_chan_make(0);
    weft_waitgroup_add(&done, 1);
    weft_go(write_x_and_signal, NULL);
    int v;
    struct weft_case cases[] = {WEFT_RECV_CASE(int_chan_chan(c), &v)};
    while (weft_goroutine_count() > 1) {
        cr_assert_eq(weft_select_default(cases, 1), WEFT_DEFAULT);
        weft_yield();
    }
    int seen = x;
    (void)seen;
    weft_waitgroup_wait(&done);
    int_chan_free(c);
}

Test(rules, select_follows_the_rule_of_its_case)
{
    expect_no_race(select_orders);
}

Test(rules, select_default_orders_nothing)
{
    expect_race_always(select_default_orders_nothing);
}

/* ---- 12. timer channels follow rule 2: the timer's send orders nothing
 * of the goroutine that happened to run when it fired ---- */

static void timer_wait_orders_nothing(void *arg)
{
    (void)arg;
    reset();
    weft_go(write_x, NULL);
    weft_chan *timer = weft_after(WEFT_MILLISECOND);
    int64_t at;
    weft_chan_recv(timer, &at); /* the writer ran and ended meanwhile */
    int seen = x;
    (void)seen;
    weft_chan_free(timer);
}

Test(rules, timer_channel_orders_nothing_of_other_goroutines)
{
    expect_race_always(timer_wait_orders_nothing);
}
