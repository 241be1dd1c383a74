/*
 * Small programs with known concurrency bugs, each beside its correct
 * version: the harness must find every bug and pass every fix. A test
 * binary of WEFT_TESTs (linked with weft_main).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <weft.h>

/* ---- a lost update: the balance is guarded by two different mutexes ---- */

static weft_mutex deposit_lock, withdraw_lock, balance_lock;
static int balance;

static void withdraw(void *arg)
{
    weft_mutex_lock(&withdraw_lock);
    int read = balance;
    weft_mutex_unlock(&withdraw_lock);
    weft_mutex_lock(&withdraw_lock);
    balance = read - *(int *)arg;
    weft_mutex_unlock(&withdraw_lock);
}

static weft_waitgroup done;

static void run_deposit(void *arg)
{
    weft_mutex_lock(&deposit_lock);
    int read = balance;
    weft_mutex_unlock(&deposit_lock);
    weft_mutex_lock(&deposit_lock);
    balance = read + *(int *)arg;
    weft_mutex_unlock(&deposit_lock);
    weft_waitgroup_done(&done);
}

static void run_withdraw(void *arg)
{
    withdraw(arg);
    weft_waitgroup_done(&done);
}

WEFT_TEST(bank_lost_update)
{
    int hundred = 100, thirty = 30;
    balance = 50;
    weft_waitgroup_add(&done, 2);
    weft_go(run_deposit, &hundred);
    weft_go(run_withdraw, &thirty);
    weft_waitgroup_wait(&done);
    weft_assert(balance == 120, "balance is %d, want 120", balance);
}

static void locked_add(void *arg)
{
    weft_mutex_lock(&balance_lock);
    balance += *(int *)arg;
    weft_mutex_unlock(&balance_lock);
    weft_waitgroup_done(&done);
}

WEFT_TEST(bank_one_mutex)
{
    int hundred = 100, minus_thirty = -30;
    balance = 50;
    weft_waitgroup_add(&done, 2);
    weft_go(locked_add, &hundred);
    weft_go(locked_add, &minus_thirty);
    weft_waitgroup_wait(&done);
    weft_assert(balance == 120, "balance is %d, want 120", balance);
}

/* ---- check-then-act across two locked sections ---- */

static int stock = 1, sold;

static void buy_check_then_act(void *arg)
{
    (void)arg;
    weft_mutex_lock(&balance_lock);
    int available = stock > 0;
    weft_mutex_unlock(&balance_lock);
    if (available) {
        weft_mutex_lock(&balance_lock);
        stock--;
        sold++;
        weft_mutex_unlock(&balance_lock);
    }
    weft_waitgroup_done(&done);
}

WEFT_TEST(check_then_act)
{
    weft_waitgroup_add(&done, 2);
    weft_go(buy_check_then_act, NULL);
    weft_go(buy_check_then_act, NULL);
    weft_waitgroup_wait(&done);
    weft_assert(stock >= 0, "stock went negative: %d (sold %d)", stock, sold);
}

/* ---- WaitGroup.Add inside the goroutine races with Wait ---- */

static int finished;

static void add_inside(void *arg)
{
    (void)arg;
    weft_waitgroup_add(&done, 1);
    finished++;
    weft_waitgroup_done(&done);
}

WEFT_TEST(waitgroup_add_inside_goroutine)
{
    for (int i = 0; i < 2; i++)
        weft_go(add_inside, NULL);
    weft_waitgroup_wait(&done);
    weft_assert(finished == 2, "Wait returned with %d of 2 finished", finished);
}

/* ---- a double close reached only in one interleaving ---- */

struct closer {
    weft_mutex mu;
    bool closed;
    weft_chan *c;
};

/* checks "still open?" and closes in two critical sections */
static void close_unless_closed(void *arg)
{
    struct closer *c = arg;
    weft_mutex_lock(&c->mu);
    bool open = !c->closed;
    weft_mutex_unlock(&c->mu);
    if (open) {
        weft_mutex_lock(&c->mu);
        c->closed = true;
        weft_mutex_unlock(&c->mu);
        weft_chan_close(c->c);
    }
    weft_waitgroup_done(&done);
}

WEFT_TEST(double_close)
{
    static struct closer c;
    c.c = weft_chan_make(sizeof(int), 0);
    weft_waitgroup_add(&done, 2);
    weft_go(close_unless_closed, &c);
    weft_go(close_unless_closed, &c);
    weft_waitgroup_wait(&done);
}

/* ---- dining philosophers: everyone takes the left fork first ---- */

static weft_mutex forks[3];

static void philosopher(void *arg)
{
    int left = (int)(long)arg, right = (left + 1) % 3;
    weft_mutex_lock(&forks[left]);
    weft_mutex_lock(&forks[right]);
    weft_mutex_unlock(&forks[right]);
    weft_mutex_unlock(&forks[left]);
    weft_waitgroup_done(&done);
}

WEFT_TEST(dining_philosophers)
{
    weft_waitgroup_add(&done, 3);
    for (long i = 0; i < 3; i++)
        weft_go(philosopher, (void *)i);
    weft_waitgroup_wait(&done);
}

static void ordered_philosopher(void *arg)
{
    int left = (int)(long)arg, right = (left + 1) % 3;
    int first = left < right ? left : right, second = left + right - first;
    weft_mutex_lock(&forks[first]);
    weft_mutex_lock(&forks[second]);
    weft_mutex_unlock(&forks[second]);
    weft_mutex_unlock(&forks[first]);
    weft_waitgroup_done(&done);
}

WEFT_TEST(dining_philosophers_ordered)
{
    weft_waitgroup_add(&done, 3);
    for (long i = 0; i < 3; i++)
        weft_go(ordered_philosopher, (void *)i);
    weft_waitgroup_wait(&done);
}

/* ---- a missed close leaks a receiver ---- */

static void drain_until_closed(void *arg)
{
    int v;
    weft_chan_range ((weft_chan *)arg, v) /* @drain */
        ;
}

WEFT_TEST(missed_close_leaks)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(drain_until_closed, c); /* @go_drain */
    weft_chan_send(c, &(int){1});
}

WEFT_TEST(closed_no_leak)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(drain_until_closed, c);
    weft_chan_send(c, &(int){1});
    weft_chan_close(c);
}

/* ---- still asleep when the test returns: not a leak, nor a hang ---- */

static void sleep_an_hour(void *arg)
{
    (void)arg;
    weft_sleep(WEFT_HOUR);
}

WEFT_TEST(sleeper_outlives_the_test)
{
    weft_go(sleep_an_hour, NULL);
}

/* ---- a crash in one interleaving: a check, then a use ---- */

static int *shared_pointer;

static void clear_pointer(void *arg)
{
    (void)arg;
    weft_mutex_lock(&balance_lock);
    shared_pointer = NULL;
    weft_mutex_unlock(&balance_lock);
}

WEFT_TEST(crash_in_one_interleaving)
{
    static int value = 7;
    shared_pointer = &value;
    weft_go(clear_pointer, NULL);
    weft_mutex_lock(&balance_lock);
    bool set = shared_pointer != NULL;
    weft_mutex_unlock(&balance_lock);
    weft_yield();
    /* the pointer may be gone */
    if (set)
        *(volatile int *)shared_pointer = 8; /* @use_after_clear */
}

/* ---- a reorder bug: the flag is published before the data it guards;
 * only a preemption between the two sections shows it ---- */

static struct {
    weft_mutex lock;
    bool ready;
    int data;
} published;

static void publish(void *arg)
{
    (void)arg;
    weft_mutex_lock(&published.lock);
    published.ready = true; /* too early */
    weft_mutex_unlock(&published.lock);
    weft_mutex_lock(&published.lock);
    published.data = 42;
    weft_mutex_unlock(&published.lock);
    weft_waitgroup_done(&done);
}

static void consume(void *arg)
{
    (void)arg;
    weft_mutex_lock(&published.lock);
    bool ready = published.ready;
    int data = published.data;
    weft_mutex_unlock(&published.lock);
    weft_assert(!ready || data == 42, "ready, but data is %d", data);
    weft_waitgroup_done(&done);
}

WEFT_TEST(publish_before_data)
{
    weft_waitgroup_add(&done, 2);
    weft_go(publish, NULL);
    weft_go(consume, NULL);
    weft_waitgroup_wait(&done);
}

/* ---- lock-order inversions: a transfer locks its two accounts in
 * argument order, so two opposite transfers can deadlock ---- */

struct account {
    weft_mutex lock;
    int balance;
};

static struct account alice = {.balance = 100}, bob = {.balance = 100};

struct transfer {
    struct account *from, *to;
    int amount;
};

static void move(struct transfer *t)
{
    weft_mutex_lock(&t->from->lock);
    weft_mutex_lock(&t->to->lock);
    t->from->balance -= t->amount;
    t->to->balance += t->amount;
    weft_mutex_unlock(&t->to->lock);
    weft_mutex_unlock(&t->from->lock);
}

static void transfer(void *arg)
{
    move(arg);
    weft_waitgroup_done(&done);
}

WEFT_TEST(opposite_transfers)
{
    struct transfer to_bob = {&alice, &bob, 10}, to_alice = {&bob, &alice, 20};
    weft_waitgroup_add(&done, 2);
    weft_go(transfer, &to_bob);
    weft_go(transfer, &to_alice);
    weft_waitgroup_wait(&done);
}

/* The same inversion, but the second transfer starts only after the first
 * is done: the cycle is in the lock order, yet no schedule deadlocks. */
static weft_chan *first_done;

static void transfer_then_signal(void *arg)
{
    move(arg);
    weft_chan_close(first_done);
}

static void transfer_after(void *arg)
{
    weft_chan_recv(first_done, NULL);
    transfer(arg);
}

WEFT_TEST(opposite_transfers_in_sequence)
{
    struct transfer to_bob = {&alice, &bob, 10}, to_alice = {&bob, &alice, 20};
    first_done = weft_chan_make(sizeof(int), 0);
    weft_waitgroup_add(&done, 1);
    weft_go(transfer_then_signal, &to_bob);
    weft_go(transfer_after, &to_alice);
    weft_waitgroup_wait(&done);
}

/* ---- the lost update beside a busy goroutine that has nothing to do
 * with it: minimising leaves the busy one's steps for after the failure
 * ---- */

static weft_mutex busy_lock;

static void busy(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++) {
        weft_mutex_lock(&busy_lock); /* busy work */
        weft_mutex_unlock(&busy_lock);
    }
}

WEFT_TEST(lost_update_beside_busy_work)
{
    int hundred = 100, thirty = 30;
    balance = 50;
    weft_waitgroup_add(&done, 2);
    weft_go(busy, NULL);
    weft_go(run_deposit, &hundred);
    weft_go(run_withdraw, &thirty);
    weft_waitgroup_wait(&done);
    weft_assert(balance == 120, "balance is %d, want 120", balance);
}

/* ---- correct at scale: 5,000 goroutines released at once, each adding
 * under one mutex (a choice among thousands must stay cheap) ---- */

enum { RELEASED_TOGETHER = 5000 };

static weft_chan *release;
static weft_mutex count_lock;
static int counted;

static void count_once_released(void *arg)
{
    (void)arg;
    weft_chan_recv(release, NULL);
    weft_mutex_lock(&count_lock);
    counted++;
    weft_mutex_unlock(&count_lock);
    weft_waitgroup_done(&done);
}

WEFT_TEST(five_thousand_released_together)
{
    counted = 0;
    release = weft_chan_make(0, 0);
    weft_waitgroup_add(&done, RELEASED_TOGETHER);
    for (int i = 0; i < RELEASED_TOGETHER; i++)
        weft_go(count_once_released, NULL);
    weft_chan_close(release);
    weft_waitgroup_wait(&done);
    weft_assert(counted == RELEASED_TOGETHER, "counted %d, want %d", counted,
                RELEASED_TOGETHER);
}
