/* select: ready cases, nil cases, default, blocking and single wake-up. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"

struct picks {
    int counts[4];
};

static void select_among_ready(void *arg)
{
    struct picks *p = arg;
    weft_chan *c[3];
    int values[3];
    for (int i = 0; i < 3; i++) {
        c[i] = weft_chan_make(sizeof(int), 1);
        weft_chan_send(c[i], &i);
    }
    struct weft_case cases[] = {
        WEFT_RECV_CASE(c[0], &values[0]),
        WEFT_RECV_CASE(c[1], &values[1]),
        WEFT_RECV_CASE(NULL, &values[2]),
        WEFT_RECV_CASE(c[2], &values[2]),
    };
    int index = weft_select(cases, 4);
    p->counts[index]++;
    cr_assert(cases[index].ok);
    for (int i = 0; i < 3; i++)
        weft_chan_free(c[i]);
}

Test(select, takes_every_ready_case_over_seeds_and_never_a_nil_one)
{
    struct picks p = {{0}};
    for (uint64_t seed = 1; seed <= 60; seed++) {
        struct weft_random_strategy random;
        weft_strategy_random_init(&random, seed);
        struct weft_config config = {.strategy = &random.base};
        weft_run(select_among_ready, &p, &config);
    }
    cr_assert_gt(p.counts[0], 0);
    cr_assert_gt(p.counts[1], 0);
    cr_assert_eq(p.counts[2], 0);
    cr_assert_gt(p.counts[3], 0);
    cr_assert_eq(p.counts[0] + p.counts[1] + p.counts[3], 60);
}

Test(select, fifo_chooses_each_selects_ready_case_at_random)
{
    /* two selects in turn, each with two ready cases: a choice shared by
     * every select (a rotation) gave one always case 0, the other case 1 */
    weft_chan *a = weft_chan_make(sizeof(int), 0);
    weft_chan *b = weft_chan_make(sizeof(int), 0);
    weft_chan_close(a);
    weft_chan_close(b);
    struct weft_case cases[] = {WEFT_RECV_CASE(a, NULL),
                                WEFT_RECV_CASE(b, NULL)};
    int first[2] = {0, 0}, second[2] = {0, 0};
    for (int i = 0; i < 5000; i++) {
        first[weft_select(cases, 2)]++;
        second[weft_select(cases, 2)]++;
    }
    cr_assert(first[0] > 1000 && first[1] > 1000, "%d/%d", first[0],
              first[1]);
    cr_assert(second[0] > 1000 && second[1] > 1000, "%d/%d", second[0],
              second[1]);
}

enum { SEND_ROUNDS = 100 };

/* Go's TestPseudoRandomSend: select { case c <- 1: case c <- 0: } */
static void send_one_or_zero(void *c)
{
    int one = 1, zero = 0;
    for (int i = 0; i < SEND_ROUNDS; i++) {
        struct weft_case cases[] = {WEFT_SEND_CASE(c, &one),
                                    WEFT_SEND_CASE(c, &zero)};
        weft_select(cases, 2);
    }
}

/* Receives each value after the sender has parked in its select. */
static void receive_from_parked_selects(void *values)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(send_one_or_zero, c);
    for (int i = 0; i < SEND_ROUNDS; i++) {
        weft_yield(); /* the sender parks in its select */
        weft_chan_recv(c, &((int *)values)[i]);
    }
}

static int count_of(const int *values, int value)
{
    int n = 0;
    for (int i = 0; i < SEND_ROUNDS; i++)
        n += values[i] == value;
    return n;
}

Test(select, parked_select_completes_through_either_case_on_one_channel)
{
    int values[SEND_ROUNDS];
    receive_from_parked_selects(values);
    cr_assert(count_of(values, 1) > 10 && count_of(values, 0) > 10,
              "ones %d, zeros %d", count_of(values, 1), count_of(values, 0));
}

/* Takes the last option of every choice, and counts the case choices. */
struct last_strategy {
    struct weft_strategy base;
    int case_choices;
};

static size_t choose_last(struct weft_strategy *self,
                          const struct weft_choice *choice)
{
    ((struct last_strategy *)self)->case_choices +=
        choice->kind == WEFT_CHOOSE_CASE;
    return choice->count - 1;
}

Test(select, parked_select_leaves_the_case_on_one_channel_to_the_strategy)
{
    struct last_strategy last = {{"last", false, false, choose_last, NULL}, 0};
    struct weft_config config = {.strategy = &last.base};
    int values[SEND_ROUNDS];
    weft_run(receive_from_parked_selects, values, &config);
    cr_assert_eq(last.case_choices, SEND_ROUNDS);
    cr_assert_eq(count_of(values, 0), SEND_ROUNDS); /* the last case */
}

Test(select, parked_select_choice_replays_from_the_seed)
{
    int ones = 0, zeros = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        int first[SEND_ROUNDS], again[SEND_ROUNDS];
        struct weft_random_strategy random;
        weft_strategy_random_init(&random, seed);
        struct weft_config config = {.strategy = &random.base};
        weft_run(receive_from_parked_selects, first, &config);
        weft_strategy_random_init(&random, seed);
        weft_run(receive_from_parked_selects, again, &config);
        cr_assert_arr_eq(first, again, sizeof first, "seed %llu",
                         (unsigned long long)seed);
        ones += count_of(first, 1);
        zeros += count_of(first, 0);
    }
    cr_assert(ones > 0 && zeros > 0);
}

Test(select, default_is_taken_when_nothing_is_ready)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    int v;
    struct weft_case cases[] = {WEFT_RECV_CASE(c, &v),
                                WEFT_SEND_CASE(c, &(int){1})};
    cr_assert_eq(weft_select_default(cases, 2), WEFT_DEFAULT);
    cr_assert_eq(weft_select_default(NULL, 0), WEFT_DEFAULT);
    struct weft_case nil_only[] = {WEFT_RECV_CASE(NULL, &v)};
    cr_assert_eq(weft_select_default(nil_only, 1), WEFT_DEFAULT);
}

static void send_after_yield(void *arg)
{
    weft_yield();
    weft_chan_send(arg, &(int){41});
}

Test(select, blocked_select_is_woken_once_and_withdraws_other_cases)
{
    weft_chan *a = weft_chan_make(sizeof(int), 0);
    weft_chan *b = weft_chan_make(sizeof(int), 0);
    weft_go(send_after_yield, b);
    int va = 0, vb = 0;
    struct weft_case cases[] = {WEFT_RECV_CASE(a, &va), WEFT_RECV_CASE(b, &vb)};
    cr_assert_eq(weft_select(cases, 2), 1);
    cr_assert_eq(vb, 41);
    cr_assert(cases[1].ok);
    /* the select no longer waits on a: nobody receives there */
    cr_assert_not(weft_chan_try_send(a, &(int){1}));
    weft_chan_free(a); /* panics if a waiter were left behind */
    weft_chan_free(b);
}

static void receive_one(void *arg)
{
    int v;
    weft_chan_recv(arg, &v);
    cr_assert_eq(v, 7);
}

Test(select, send_case_hands_the_value_to_a_waiting_receiver)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(receive_one, c);
    weft_yield();
    int seven = 7;
    struct weft_case cases[] = {WEFT_SEND_CASE(c, &seven)};
    cr_assert_eq(weft_select(cases, 1), 0);
    cr_assert_eq(weft_goroutine_count(), 2);
    weft_yield();
    cr_assert_eq(weft_goroutine_count(), 1);
}

static void close_later(void *arg)
{
    weft_yield();
    weft_chan_close(arg);
}

Test(select, receive_case_on_a_closed_channel_reports_not_ok)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(close_later, c);
    int v = 5;
    struct weft_case cases[] = {WEFT_RECV_CASE(c, &v)};
    cr_assert_eq(weft_select(cases, 1), 0);
    cr_assert_not(cases[0].ok);
    cr_assert_eq(v, 0);
}

struct competitor {
    weft_chan *a, *b;
    int *received;
    weft_waitgroup done;
};

static void compete(void *arg)
{
    struct competitor *c = arg;
    int v;
    struct weft_case cases[] = {WEFT_RECV_CASE(c->a, &v),
                                WEFT_RECV_CASE(c->b, &v)};
    weft_select(cases, 2);
    c->received[v]++;
    weft_waitgroup_done(&c->done);
}

static void two_selects_two_sends(void *arg)
{
    int *received = arg;
    struct competitor c = {weft_chan_make(sizeof(int), 0),
                           weft_chan_make(sizeof(int), 0),
                           received,
                           {0}};
    weft_waitgroup_add(&c.done, 2);
    weft_go(compete, &c);
    weft_go(compete, &c);
    weft_chan_send(c.a, &(int){0});
    weft_chan_send(c.b, &(int){1});
    weft_waitgroup_wait(&c.done);
}

Test(select, each_value_reaches_exactly_one_select_under_every_seed)
{
    for (uint64_t seed = 1; seed <= 50; seed++) {
        int received[2] = {0, 0};
        struct weft_random_strategy random;
        weft_strategy_random_init(&random, seed);
        struct weft_config config = {.strategy = &random.base};
        weft_run(two_selects_two_sends, received, &config);
        cr_assert_eq(received[0], 1, "seed %llu", (unsigned long long)seed);
        cr_assert_eq(received[1], 1, "seed %llu", (unsigned long long)seed);
    }
}

static void select_nothing(void)
{
    weft_select(NULL, 0);
}

Test(select, zero_cases_block_forever)
{
    struct child_result r;
    child_run(select_nothing, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert(strstr(r.output, "fatal error: all goroutines are asleep - "
                               "deadlock!\n\ngoroutine 1 [select (no cases)]:\n"
                               "  select_nothing() "),
              "%s", r.output);
}

static void select_send_on_closed(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_chan_close(c);
    struct weft_case cases[] = {WEFT_SEND_CASE(c, &(int){1})};
    weft_select(cases, 1);
}

Test(select, send_case_on_a_closed_channel_panics)
{
    struct child_result r;
    child_run(select_send_on_closed, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert(strncmp(r.output, "panic: send on closed channel\n", 30) == 0,
              "%s", r.output);
}
