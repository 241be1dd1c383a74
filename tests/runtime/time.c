/* Time: sleep, after, timers and tickers. Ordering is checked under virtual
 * time (a seeded strategy), where the clock jumps to the earliest deadline,
 * so every instant below is exact; the real clock only gets lower bounds. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"
#include "runtime.h" /* timers_pending(): that a freed timer left the heap */

enum { SEEDS = 32 };

static void run_seeded(weft_fn scenario, void *arg, uint64_t seed)
{
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = &random.base};
    weft_run(scenario, arg, &config);
}

static void run_fifo(weft_fn scenario, void *arg)
{
    struct weft_config config = {.strategy = weft_strategy_fifo()};
    weft_run(scenario, arg, &config);
}

static int64_t recv_time(weft_chan *c)
{
    int64_t when = -1;
    weft_chan_recv(c, &when);
    return when;
}

/* ---- sleep ---- */

struct instants {
    int64_t at[8];
    size_t count;
    bool pending;
};

static void sleep_an_hour(void *arg)
{
    struct instants *r = arg;
    r->at[r->count++] = weft_now();
    weft_sleep(WEFT_HOUR);
    r->at[r->count++] = weft_now();
}

Test(time, hour_sleep_is_instant_under_virtual_time)
{
    struct instants r = {0};
    run_seeded(sleep_an_hour, &r, 1);
    cr_assert_eq(r.count, 2);
    cr_assert_eq(r.at[0], 0);
    cr_assert_eq(r.at[1], WEFT_HOUR);
}

struct wake_order {
    weft_waitgroup done;
    int hours[3];
    int64_t woke_at[3];
    size_t count;
};

struct sleeper {
    struct wake_order *order;
    int hours;
};

static void sleep_hours(void *arg)
{
    struct sleeper *s = arg;
    weft_sleep(s->hours * WEFT_HOUR);
    struct wake_order *order = s->order;
    order->woke_at[order->count] = weft_now();
    order->hours[order->count++] = s->hours;
    weft_waitgroup_done(&order->done);
}

static void sleep_3h_1h_2h(void *arg)
{
    struct wake_order *order = arg;
    struct sleeper sleepers[3] = {{order, 3}, {order, 1}, {order, 2}};
    weft_waitgroup_add(&order->done, 3);
    for (int i = 0; i < 3; i++)
        weft_go(sleep_hours, &sleepers[i]);
    weft_waitgroup_wait(&order->done);
}

Test(time, sleepers_wake_in_deadline_order_under_every_seed)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct wake_order order = {0};
        run_seeded(sleep_3h_1h_2h, &order, seed);
        cr_assert_eq(order.count, 3, "seed %llu", (unsigned long long)seed);
        for (int i = 0; i < 3; i++) {
            cr_assert_eq(order.hours[i], i + 1, "seed %llu",
                         (unsigned long long)seed);
            cr_assert_eq(order.woke_at[i], (i + 1) * WEFT_HOUR, "seed %llu",
                         (unsigned long long)seed);
        }
    }
}

static void sleep_zero_and_negative(void *arg)
{
    struct instants *r = arg;
    weft_sleep(0);
    r->at[r->count++] = weft_now();
    weft_sleep(-WEFT_HOUR);
    r->at[r->count++] = weft_now();
    weft_sleep(1);
    r->at[r->count++] = weft_now();
}

Test(time, sleep_of_zero_or_less_leaves_virtual_time_alone)
{
    struct instants r = {0};
    run_seeded(sleep_zero_and_negative, &r, 7);
    cr_assert_eq(r.count, 3);
    cr_assert_eq(r.at[0], 0);
    cr_assert_eq(r.at[1], 0);
    cr_assert_eq(r.at[2], 1);
}

static void set_flag(void *arg)
{
    *(int *)arg += 1;
}

static void sleep_zero_lets_others_run(void *arg)
{
    int *ran = arg;
    weft_go(set_flag, &ran[0]);
    weft_sleep(0);
    ran[1] = ran[0];
    weft_go(set_flag, &ran[0]);
    weft_sleep(-1);
    ran[2] = ran[0];
}

Test(time, sleep_of_zero_or_less_yields_to_runnable_goroutines)
{
    int ran[3] = {0};
    run_fifo(sleep_zero_lets_others_run, ran);
    cr_assert_eq(ran[1], 1);
    cr_assert_eq(ran[2], 2);
}

static void sleep_2ms_real(void *arg)
{
    int64_t *elapsed = arg;
    int64_t start = weft_now();
    weft_sleep(2 * WEFT_MILLISECOND);
    *elapsed = weft_now() - start;
}

Test(time, real_clock_sleep_lasts_at_least_its_duration)
{
    int64_t elapsed = 0;
    run_fifo(sleep_2ms_real, &elapsed);
    cr_assert_geq(elapsed, 2 * WEFT_MILLISECOND);
}

static void after_1ms_real(void *arg)
{
    int64_t *r = arg;
    r[0] = weft_now();
    weft_chan *c = weft_after(WEFT_MILLISECOND);
    r[1] = recv_time(c);
    r[2] = weft_now();
    weft_chan_free(c);
}

Test(time, real_clock_after_delivers_a_time_within_the_wait)
{
    int64_t r[3] = {0};
    run_fifo(after_1ms_real, r);
    cr_assert_geq(r[1], r[0] + WEFT_MILLISECOND);
    cr_assert_leq(r[1], r[2]);
}

/* ---- after, until, select ---- */

static void after_250ms(void *arg)
{
    struct instants *r = arg;
    weft_chan *c = weft_after(250 * WEFT_MILLISECOND);
    r->at[r->count++] = (int64_t)weft_chan_cap(c);
    r->at[r->count++] = (int64_t)weft_chan_elem_size(c);
    r->at[r->count++] = recv_time(c);
    r->at[r->count++] = weft_now();
    weft_chan_free(c);
}

Test(time, after_delivers_its_fire_time_at_that_virtual_time)
{
    struct instants r = {0};
    run_seeded(after_250ms, &r, 3);
    cr_assert_eq(r.count, 4);
    cr_assert_eq(r.at[0], 1);
    cr_assert_eq(r.at[1], (int64_t)sizeof(int64_t));
    cr_assert_eq(r.at[2], 250 * WEFT_MILLISECOND);
    cr_assert_eq(r.at[3], 250 * WEFT_MILLISECOND);
}

static void until_absolute(void *arg)
{
    struct instants *r = arg;
    weft_sleep(WEFT_SECOND);
    weft_chan *c = weft_until(3 * WEFT_SECOND);
    r->at[r->count++] = recv_time(c);
    r->at[r->count++] = weft_now();
    weft_chan_free(c);
    c = weft_until(0); /* already passed: fires at the current instant */
    r->at[r->count++] = recv_time(c);
    r->at[r->count++] = weft_now();
    weft_chan_free(c);
}

Test(time, until_fires_at_an_absolute_instant_or_now_if_passed)
{
    struct instants r = {0};
    run_seeded(until_absolute, &r, 4);
    cr_assert_eq(r.count, 4);
    cr_assert_eq(r.at[0], 3 * WEFT_SECOND);
    cr_assert_eq(r.at[1], 3 * WEFT_SECOND);
    cr_assert_eq(r.at[2], 3 * WEFT_SECOND);
    cr_assert_eq(r.at[3], 3 * WEFT_SECOND);
}

struct select_result {
    int index;
    int64_t value, now;
};

static void select_short_long(void *arg)
{
    struct select_result *r = arg;
    weft_chan *slow = weft_after(WEFT_SECOND);
    weft_chan *fast = weft_after(10 * WEFT_MILLISECOND);
    r->value = -1;
    struct weft_case cases[] = {WEFT_RECV_CASE(slow, &r->value),
                                WEFT_RECV_CASE(fast, &r->value)};
    r->index = weft_select(cases, 2);
    r->now = weft_now();
    weft_chan_free(slow);
    weft_chan_free(fast);
}

Test(time, select_takes_the_shorter_after)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct select_result r = {0};
        run_seeded(select_short_long, &r, seed);
        cr_assert_eq(r.index, 1, "seed %llu", (unsigned long long)seed);
        cr_assert_eq(r.value, 10 * WEFT_MILLISECOND);
        cr_assert_eq(r.now, 10 * WEFT_MILLISECOND);
    }
}

static void free_unfired_after(void *arg)
{
    struct instants *r = arg;
    weft_chan *c = weft_after(WEFT_HOUR);
    weft_chan_free(c);
    r->pending = timers_pending();
    weft_sleep(2 * WEFT_HOUR);
    r->at[r->count++] = weft_now();
    weft_chan *fired = weft_after(WEFT_SECOND);
    weft_sleep(2 * WEFT_SECOND);
    weft_chan_free(fired); /* fired and unread: frees its value too */
    r->at[r->count++] = weft_now();
}

Test(time, freeing_an_unfired_after_channel_cancels_its_timer)
{
    struct instants r = {0};
    run_seeded(free_unfired_after, &r, 5);
    cr_assert_not(r.pending);
    cr_assert_eq(r.count, 2);
    cr_assert_eq(r.at[0], 2 * WEFT_HOUR);
    cr_assert_eq(r.at[1], 2 * WEFT_HOUR + 2 * WEFT_SECOND);
}

/* ---- timers ---- */

struct timer_result {
    bool first_stop, second_stop, reset;
    int selected;
    int64_t value, now;
    bool pending;
};

static void stop_before_firing(void *arg)
{
    struct timer_result *r = arg;
    weft_timer *t = weft_timer_new(WEFT_SECOND);
    r->first_stop = weft_timer_stop(t);
    r->second_stop = weft_timer_stop(t);
    weft_sleep(2 * WEFT_SECOND);
    struct weft_case recv = WEFT_RECV_CASE(weft_timer_chan(t), &r->value);
    r->selected = weft_select_default(&recv, 1);
    r->now = weft_now();
    weft_timer_free(t);
}

Test(time, stop_before_firing_returns_true_and_nothing_is_sent)
{
    struct timer_result r = {0};
    run_seeded(stop_before_firing, &r, 6);
    cr_assert(r.first_stop);
    cr_assert_not(r.second_stop);
    cr_assert_eq(r.selected, WEFT_DEFAULT);
    cr_assert_eq(r.now, 2 * WEFT_SECOND);
}

static void stop_after_firing(void *arg)
{
    struct timer_result *r = arg;
    weft_timer *t = weft_timer_new(WEFT_SECOND);
    weft_sleep(2 * WEFT_SECOND);
    r->first_stop = weft_timer_stop(t);
    struct weft_case recv = WEFT_RECV_CASE(weft_timer_chan(t), &r->value);
    r->selected = weft_select_default(&recv, 1);
    weft_timer_free(t);
}

Test(time, stop_after_firing_returns_false_and_the_value_stays)
{
    struct timer_result r = {0};
    run_seeded(stop_after_firing, &r, 8);
    cr_assert_not(r.first_stop);
    cr_assert_eq(r.selected, 0);
    cr_assert_eq(r.value, WEFT_SECOND);
}

static void reset_stopped(void *arg)
{
    struct timer_result *r = arg;
    weft_timer *t = weft_timer_new(WEFT_SECOND);
    weft_timer_stop(t);
    r->reset = weft_timer_reset(t, 3 * WEFT_SECOND);
    r->value = recv_time(weft_timer_chan(t));
    r->now = weft_now();
    weft_timer_free(t);
}

Test(time, reset_rearms_a_stopped_timer)
{
    struct timer_result r = {0};
    run_seeded(reset_stopped, &r, 9);
    cr_assert_not(r.reset);
    cr_assert_eq(r.value, 3 * WEFT_SECOND);
    cr_assert_eq(r.now, 3 * WEFT_SECOND);
}

static void reset_active(void *arg)
{
    struct timer_result *r = arg;
    weft_timer *t = weft_timer_new(WEFT_SECOND);
    r->reset = weft_timer_reset(t, 5 * WEFT_SECOND);
    weft_sleep(2 * WEFT_SECOND);
    struct weft_case recv = WEFT_RECV_CASE(weft_timer_chan(t), NULL);
    r->selected = weft_select_default(&recv, 1);
    r->value = recv_time(weft_timer_chan(t));
    r->now = weft_now();
    /* drained: reusing a fired timer */
    r->second_stop = weft_timer_reset(t, WEFT_SECOND);
    int64_t again = recv_time(weft_timer_chan(t));
    r->pending = again != 6 * WEFT_SECOND || weft_now() != 6 * WEFT_SECOND;
    weft_timer_free(t);
}

Test(time, reset_moves_an_active_timer_and_rearms_a_fired_one)
{
    struct timer_result r = {0};
    run_seeded(reset_active, &r, 10);
    cr_assert(r.reset);
    cr_assert_eq(r.selected, WEFT_DEFAULT, "the old deadline still fired");
    cr_assert_eq(r.value, 5 * WEFT_SECOND);
    cr_assert_eq(r.now, 5 * WEFT_SECOND);
    cr_assert_not(r.second_stop);
    cr_assert_not(r.pending, "the re-armed timer did not fire at 6s");
}

static void free_active_timer(void *arg)
{
    struct timer_result *r = arg;
    weft_timer *t = weft_timer_new(WEFT_HOUR);
    weft_timer_free(t);
    r->pending = timers_pending();
    weft_timer_free(NULL);
    weft_sleep(2 * WEFT_HOUR);
    r->now = weft_now();
}

Test(time, freeing_an_active_timer_cancels_it)
{
    struct timer_result r = {0};
    run_seeded(free_active_timer, &r, 11);
    cr_assert_not(r.pending);
    cr_assert_eq(r.now, 2 * WEFT_HOUR);
}

enum { MANY = 64 };

struct many_timers {
    int64_t expected[MANY], value[MANY], now[MANY];
    size_t stopped_with_value;
};

static int64_t duration_of(int i)
{
    return ((i * 37) % MANY + 1) * WEFT_MILLISECOND; /* distinct, shuffled */
}

/* Stops and resets pull timers out of the middle of the heap; every other
 * timer must still fire exactly at its deadline. */
static void fire_many(void *arg)
{
    struct many_timers *r = arg;
    weft_timer *timers[MANY];
    for (int i = 0; i < MANY; i++) {
        timers[i] = weft_timer_new(duration_of(i));
        r->expected[i] = duration_of(i);
    }
    for (int i = 0; i < MANY; i++) {
        if (i % 3 == 0) {
            weft_timer_stop(timers[i]);
            r->expected[i] = -1;
        } else if (i % 5 == 0) {
            r->expected[i] = duration_of(i) + 100 * WEFT_MILLISECOND;
            weft_timer_reset(timers[i], r->expected[i]);
        }
    }
    for (int64_t at = 1; at <= MANY + 100; at++)
        for (int i = 0; i < MANY; i++)
            if (r->expected[i] == at * WEFT_MILLISECOND) {
                r->value[i] = recv_time(weft_timer_chan(timers[i]));
                r->now[i] = weft_now();
            }
    for (int i = 0; i < MANY; i++) {
        if (r->expected[i] < 0) {
            r->value[i] = r->now[i] = -1;
            r->stopped_with_value += weft_chan_len(weft_timer_chan(timers[i]));
        }
        weft_timer_free(timers[i]);
    }
}

Test(time, timers_fire_at_their_deadlines_after_stops_and_resets)
{
    struct many_timers r = {0};
    run_seeded(fire_many, &r, 13);
    for (int i = 0; i < MANY; i++) {
        cr_assert_eq(r.value[i], r.expected[i], "timer %d", i);
        cr_assert_eq(r.now[i], r.expected[i], "timer %d", i);
    }
    cr_assert_eq(r.stopped_with_value, 0);
}

/* ---- tickers ---- */

static void tick_with_slow_reader(void *arg)
{
    struct instants *r = arg;
    weft_timer *ticker = weft_ticker_new(10 * WEFT_MILLISECOND);
    r->at[r->count++] = recv_time(weft_timer_chan(ticker));
    r->at[r->count++] = recv_time(weft_timer_chan(ticker));
    weft_sleep(35 * WEFT_MILLISECOND); /* until 55ms: ticks 40 and 50 drop */
    r->at[r->count++] = recv_time(weft_timer_chan(ticker));
    r->at[r->count++] = weft_now();
    r->at[r->count++] = recv_time(weft_timer_chan(ticker));
    r->at[r->count++] = weft_now();
    r->pending = !weft_timer_stop(ticker);
    weft_sleep(WEFT_SECOND);
    r->at[r->count++] = (int64_t)weft_chan_len(weft_timer_chan(ticker));
    weft_timer_free(ticker);
}

Test(time, ticker_fires_at_period_multiples_and_drops_missed_ticks)
{
    struct instants r = {0};
    run_seeded(tick_with_slow_reader, &r, 12);
    int64_t ms = WEFT_MILLISECOND;
    int64_t expected[] = {10 * ms, 20 * ms, 30 * ms, 55 * ms,
                          60 * ms, 60 * ms, 0};
    cr_assert_eq(r.count, 7);
    for (size_t i = 0; i < r.count; i++)
        cr_assert_eq(r.at[i], expected[i], "at[%zu] = %lld", i,
                     (long long)r.at[i]);
    cr_assert_not(r.pending, "stop of a running ticker returned false");
}

static void ticker_of_zero(void)
{
    weft_ticker_new(0);
}

Test(time, ticker_with_non_positive_period_panics)
{
    child_expect_start(ticker_of_zero, 2,
                       "panic: non-positive interval for weft_ticker_new\n");
}

static void tick_then_reset_the_period(void *arg)
{
    struct instants *r = arg;
    weft_timer *ticker = weft_ticker_new(100 * WEFT_MILLISECOND);
    r->at[r->count++] = recv_time(weft_timer_chan(ticker));
    weft_timer_reset(ticker, 30 * WEFT_MILLISECOND);
    for (int i = 0; i < 3; i++)
        r->at[r->count++] = recv_time(weft_timer_chan(ticker));
    weft_timer_free(ticker);
}

Test(time, reset_of_a_ticker_changes_its_period)
{
    struct instants r = {0};
    run_seeded(tick_then_reset_the_period, &r, 3);
    int64_t ms = WEFT_MILLISECOND;
    int64_t expected[] = {100 * ms, 130 * ms, 160 * ms, 190 * ms};
    cr_assert_eq(r.count, 4);
    for (size_t i = 0; i < r.count; i++)
        cr_assert_eq(r.at[i], expected[i], "at[%zu] = %lld", i,
                     (long long)r.at[i]);
}

static void ticker_reset_to_zero(void)
{
    weft_timer_reset(weft_ticker_new(WEFT_SECOND), 0);
}

Test(time, ticker_reset_to_a_non_positive_period_panics)
{
    child_expect_start(ticker_reset_to_zero, 2,
                       "panic: non-positive interval for weft_timer_reset of "
                       "a ticker\n");
}

/* ---- timers due at the same instant ---- */

struct tie {
    weft_waitgroup done;
    char order[3];
    size_t count;
};

struct tied_sleeper {
    struct tie *tie;
    char name;
};

static void sleep_one_second(void *arg)
{
    struct tied_sleeper *s = arg;
    weft_sleep(WEFT_SECOND);
    s->tie->order[s->tie->count++] = s->name;
    weft_waitgroup_done(&s->tie->done);
}

static void two_sleepers_tie(void *arg)
{
    struct tie *tie = arg;
    struct tied_sleeper sleepers[2] = {{tie, 'a'}, {tie, 'b'}};
    weft_waitgroup_add(&tie->done, 2);
    weft_go(sleep_one_second, &sleepers[0]);
    weft_go(sleep_one_second, &sleepers[1]);
    weft_waitgroup_wait(&tie->done);
}

Test(time, simultaneous_timers_fire_in_either_order_and_each_seed_replays)
{
    int orders[2] = {0};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct tie first = {0}, again = {0};
        run_seeded(two_sleepers_tie, &first, seed);
        run_seeded(two_sleepers_tie, &again, seed);
        cr_assert_eq(first.count, 2);
        cr_assert_str_eq(first.order, again.order, "seed %llu",
                         (unsigned long long)seed);
        orders[first.order[0] == 'b']++;
    }
    cr_assert_gt(orders[0], 0, "a never woke first");
    cr_assert_gt(orders[1], 0, "b never woke first");
}

/* A strategy that runs goroutines in FIFO order and picks a fixed end of
 * every timer choice, recording what it was offered. */
struct timer_picker {
    struct weft_strategy base;
    bool pick_last;
    size_t timer_choices;
    size_t offered;
    uint64_t first_offered, last_offered;
};

static size_t pick_timer(struct weft_strategy *self,
                         const struct weft_choice *choice)
{
    struct timer_picker *p = (struct timer_picker *)self;
    if (choice->kind != WEFT_CHOOSE_TIMER)
        return 0;
    p->timer_choices++;
    p->offered = choice->count;
    p->first_offered = weft_choice_option(choice, 0).id;
    p->last_offered = weft_choice_option(choice, choice->count - 1).id;
    return p->pick_last ? choice->count - 1 : 0;
}

static void run_picking(struct timer_picker *picker, bool pick_last,
                        struct tie *tie)
{
    *picker = (struct timer_picker){
        .base = {.name = "timer picker",
                 .virtual_time = true,
                 .choose = pick_timer},
        .pick_last = pick_last,
    };
    struct weft_config config = {.strategy = &picker->base};
    weft_run(two_sleepers_tie, tie, &config);
}

Test(time, strategy_chooses_which_simultaneous_timer_fires_first)
{
    struct timer_picker picker;
    struct tie in_order = {0}, reversed = {0};
    run_picking(&picker, false, &in_order);
    cr_assert_eq(picker.timer_choices, 1);
    cr_assert_eq(picker.offered, 2);
    cr_assert_lt(picker.first_offered, picker.last_offered,
                 "options are not in creation order");
    cr_assert_eq(in_order.count, 2);
    cr_assert_arr_eq(in_order.order, "ab", 2);

    run_picking(&picker, true, &reversed);
    cr_assert_eq(picker.timer_choices, 1);
    cr_assert_eq(reversed.count, 2);
    cr_assert_arr_eq(reversed.order, "ba", 2);
}

/* ---- durations near INT64_MAX: deadlines saturate, as Go's do ---- */

static bool sleeper_woke;

static void sleep_forever(void *arg)
{
    (void)arg;
    weft_sleep(INT64_MAX);
    sleeper_woke = true;
}

static bool ready_now(weft_chan *c)
{
    int64_t when;
    struct weft_case cases[] = {WEFT_RECV_CASE(c, &when)};
    return weft_select_default(cases, 1) == 0;
}

static void longest_durations(void *arg)
{
    (void)arg;
    sleeper_woke = false;
    weft_go(sleep_forever, NULL);
    weft_chan *after = weft_after(INT64_MAX);
    weft_timer *timer = weft_timer_new(INT64_MAX - 1);
    weft_timer *ticker = weft_ticker_new(INT64_MAX);
    weft_context *ctx =
        weft_context_with_timeout(weft_context_background(), INT64_MAX);
    weft_sleep(10 * WEFT_MILLISECOND); /* let anything due fire */
    cr_expect_not(sleeper_woke, "weft_sleep(INT64_MAX) returned");
    cr_expect_not(ready_now(after), "weft_after(INT64_MAX) fired");
    cr_expect_not(ready_now(weft_timer_chan(timer)), "the timer fired");
    cr_expect_not(ready_now(weft_timer_chan(ticker)), "the ticker ticked");
    cr_expect_not(ready_now(weft_context_done(ctx)), "the context ended");
    cr_expect(weft_timer_stop(timer));
    cr_expect(weft_timer_stop(ticker));
    weft_context_cancel(ctx);
    weft_context_free(ctx);
    weft_timer_free(timer);
    weft_timer_free(ticker);
    weft_chan_free(after);
}

Test(time, durations_near_int64_max_never_fire)
{
    run_fifo(longest_durations, NULL);      /* the real clock */
    run_seeded(longest_durations, NULL, 7); /* virtual time */
}
