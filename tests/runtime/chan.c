/* Channels: rendezvous, buffering, close, nil, FIFO waiters, exactly-once. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#include "child.h"

WEFT_CHAN_TYPE(int_chan, int)

static void send_three(void *arg)
{
    int_chan *c = arg;
    for (int i = 1; i <= 3; i++)
        int_chan_send(c, i);
    int_chan_close(c);
}

Test(chan, unbuffered_send_waits_for_its_receiver)
{
    int_chan *c = int_chan_make(0);
    weft_go(send_three, c);
    cr_assert_eq(int_chan_len(c), 0);
    cr_assert_eq(int_chan_recv(c), 1);
    cr_assert_eq(int_chan_recv(c), 2);
    cr_assert_eq(int_chan_recv(c), 3);
    int v = 99;
    cr_assert_not(int_chan_recv_ok(c, &v));
    cr_assert_eq(v, 0);
    int_chan_free(c);
}

Test(chan, buffered_keeps_fifo_order_and_reports_len_cap)
{
    weft_chan *c = weft_chan_make(sizeof(int), 3);
    for (int i = 0; i < 3; i++)
        weft_chan_send(c, &i);
    cr_assert_eq(weft_chan_len(c), 3);
    cr_assert_eq(weft_chan_cap(c), 3);
    cr_assert_not(weft_chan_try_send(c, &(int){9}));
    for (int i = 0; i < 3; i++) {
        int v;
        weft_chan_recv(c, &v);
        cr_assert_eq(v, i);
    }
    cr_assert_eq(weft_chan_len(c), 0);
    weft_chan_free(c);
}

Test(chan, closed_channel_drains_then_yields_zero_values)
{
    weft_chan *c = weft_chan_make(sizeof(int), 2);
    weft_chan_send(c, &(int){7});
    weft_chan_close(c);
    int v;
    cr_assert(weft_chan_recv_ok(c, &v));
    cr_assert_eq(v, 7);
    cr_assert_not(weft_chan_recv_ok(c, &v));
    cr_assert_eq(v, 0);
    weft_chan_free(c);
}

Test(chan, range_receives_until_closed)
{
    int_chan *c = int_chan_make(0);
    weft_go(send_three, c);
    int v, sum = 0, count = 0;
    weft_chan_range (int_chan_chan(c), v) {
        sum += v;
        count++;
    }
    cr_assert_eq(count, 3);
    cr_assert_eq(sum, 6);
}

struct point {
    double x, y;
    char name[40];
};

static void send_point(void *arg)
{
    struct point p = {1.5, -2.5, "origin-ish"};
    weft_chan_send(arg, &p);
    strcpy(p.name, "changed after send");
}

Test(chan, values_are_copied_not_aliased)
{
    weft_chan *c = weft_chan_make(sizeof(struct point), 0);
    weft_go(send_point, c);
    struct point p;
    weft_chan_recv(c, &p);
    weft_yield();
    cr_assert_eq(p.x, 1.5);
    cr_assert_eq(p.y, -2.5);
    cr_assert_str_eq(p.name, "origin-ish");
}

static int woken[8];
static int woken_count;

struct numbered {
    weft_chan *c;
    int number;
};

static void receive_and_record(void *arg)
{
    struct numbered *n = arg;
    bool ok = weft_chan_recv_ok(n->c, NULL);
    woken[woken_count++] = n->number * (ok ? 1 : -1);
}

Test(chan, waiting_receivers_are_served_in_fifo_order)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    struct numbered n[4];
    for (int i = 0; i < 4; i++) {
        n[i] = (struct numbered){c, i + 1};
        weft_go(receive_and_record, &n[i]);
    }
    weft_yield();
    for (int i = 0; i < 4; i++)
        weft_chan_send(c, &i);
    weft_yield();
    cr_assert_arr_eq(woken, ((int[]){1, 2, 3, 4}), 4 * sizeof(int));
}

Test(chan, close_wakes_every_blocked_receiver)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    struct numbered n[5];
    for (int i = 0; i < 5; i++) {
        n[i] = (struct numbered){c, i + 1};
        weft_go(receive_and_record, &n[i]);
    }
    weft_yield();
    cr_assert_eq(woken_count, 0);
    weft_chan_close(c);
    weft_yield();
    cr_assert_eq(woken_count, 5);
    cr_assert_arr_eq(woken, ((int[]){-1, -2, -3, -4, -5}), 5 * sizeof(int));
}

/* ---- misuse panics, in child processes ---- */

static void close_twice(void)
{
    weft_chan *c = weft_chan_make(1, 0);
    weft_chan_close(c);
    weft_chan_close(c);
}

static void close_nil(void)
{
    weft_chan_close(NULL);
}

static void send_on_closed(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_chan_close(c);
    weft_chan_send(c, &(int){1});
}

static void closer(void *arg)
{
    weft_chan_close(arg);
}

static void blocked_send_then_closed(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(closer, c);
    weft_chan_send(c, &(int){1});
}

static void receive_nil(void)
{
    weft_chan_recv(NULL, NULL);
}

static void expect_panic(void (*scenario)(void), const char *message,
                         const char *function)
{
    char first_lines[256];
    snprintf(first_lines, sizeof first_lines,
             "panic: %s\n\ngoroutine 1 [running]:\n  %s() ", message, function);
    child_expect_start(scenario, 2, first_lines);
}

static void make_huge_element(void)
{
    weft_chan_make(SIZE_MAX, 0);
}

static void make_huge_buffer(void)
{
    weft_chan_make(1024, SIZE_MAX / 2048);
}

Test(chan, make_with_sizes_go_refuses_panics)
{
    expect_panic(make_huge_element,
                 "makechan: invalid channel element type "
                 "(18446744073709551615 bytes, at most 65535)",
                 "make_huge_element");
    expect_panic(make_huge_buffer, "makechan: size out of range",
                 "make_huge_buffer");
}

Test(chan, close_of_closed_channel_panics)
{
    expect_panic(close_twice, "close of closed channel", "close_twice");
}

Test(chan, close_of_nil_channel_panics)
{
    expect_panic(close_nil, "close of nil channel", "close_nil");
}

Test(chan, send_on_closed_channel_panics)
{
    expect_panic(send_on_closed, "send on closed channel", "send_on_closed");
}

Test(chan, blocked_sender_panics_when_the_channel_closes)
{
    expect_panic(blocked_send_then_closed, "send on closed channel",
                 "blocked_send_then_closed");
}

Test(chan, nil_channel_blocks_forever)
{
    struct child_result r;
    child_run(receive_nil, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert(strstr(r.output, "goroutine 1 [chan receive (nil chan)]:\n"
                               "  receive_nil() "),
              "%s", r.output);
}

/* ---- exactly once, under many schedules ---- */

enum { PRODUCERS = 8, CONSUMERS = 8, VALUES = 1000000 };

struct stress {
    weft_chan *values;
    weft_waitgroup producers, consumers;
    unsigned char *seen;
    int next_producer;
    long duplicates;
};

static void produce(void *arg)
{
    struct stress *s = arg;
    int id = s->next_producer++;
    for (int v = id; v < VALUES; v += PRODUCERS)
        weft_chan_send(s->values, &v);
    weft_waitgroup_done(&s->producers);
}

static void consume(void *arg)
{
    struct stress *s = arg;
    int v;
    weft_chan_range (s->values, v) {
        if (s->seen[v]++)
            s->duplicates++;
    }
    weft_waitgroup_done(&s->consumers);
}

static void stress_main(void *arg)
{
    struct stress *s = arg;
    s->values = weft_chan_make(sizeof(int), (size_t)(weft_id() % 2) * 16);
    weft_waitgroup_add(&s->producers, PRODUCERS);
    weft_waitgroup_add(&s->consumers, CONSUMERS);
    for (int i = 0; i < PRODUCERS; i++)
        weft_go(produce, s);
    for (int i = 0; i < CONSUMERS; i++)
        weft_go(consume, s);
    weft_waitgroup_wait(&s->producers);
    weft_chan_close(s->values);
    weft_waitgroup_wait(&s->consumers);
    weft_chan_free(s->values);
}

static void check_exactly_once(uint64_t seed, size_t capacity, int values)
{
    struct stress s = {.seen = calloc(VALUES, 1)};
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = &random.base};
    (void)capacity;
    weft_run(stress_main, &s, &config);
    cr_assert_eq(s.duplicates, 0, "seed %llu", (unsigned long long)seed);
    for (int v = 0; v < values; v++)
        cr_assert_eq(s.seen[v], 1, "seed %llu value %d",
                     (unsigned long long)seed, v);
    free(s.seen);
}

Test(chan, a_million_values_arrive_exactly_once_under_100_seeds, .timeout = 600)
{
    for (uint64_t seed = 1; seed <= 100; seed++)
        check_exactly_once(seed, 0, VALUES);
}
