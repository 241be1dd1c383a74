/* weft's own libc calls are not the program's accesses (own_libc.h): the
 * runtime's copies and its buffers, touched from goroutines that never
 * synchronise, are no race. Each scenario here reports a race if libweft's
 * memcpy or realloc reached the checking interceptors again. */
#include "race_test.h"

static weft_waitgroup done;

/* Runs a and b as two goroutines that do not synchronise, then waits. */
static void concurrently(weft_fn a, weft_fn b)
{
    weft_waitgroup_add(&done, 2);
    weft_go(a, NULL);
    weft_go(b, NULL);
    weft_waitgroup_wait(&done);
}

/* ---- channel values: the runtime copies them with memcpy ---- */

/* Not 4, 8 or 16 bytes: chan.c copies these with a call, not a move. */
struct record {
    uint64_t words[5];
};

static weft_chan *records;

/* Each side writes its own record and then hands it over: the copy into
 * the receiver's record (by whichever side the channel runs it) comes after
 * both writes, ordered by the hand-over alone. */
static void send_record(void *arg)
{
    (void)arg;
    struct record r;
    for (int i = 0; i < 5; i++)
        r.words[i] = (uint64_t)i + 1;
    weft_chan_send(records, &r);
    weft_waitgroup_done(&done);
}

static void receive_record(void *arg)
{
    (void)arg;
    struct record r = {{0}};
    weft_chan_recv(records, &r);
    cr_assert_eq(r.words[4], 5);
    weft_waitgroup_done(&done);
}

static void hand_over_records(void *arg)
{
    (void)arg;
    records = weft_chan_make(sizeof(struct record), 0);
    concurrently(send_record, receive_record);
    weft_chan_free(records);
}

Test(own_libc, channel_values_the_runtime_copies_do_not_race)
{
    expect_no_race(hand_over_records);
}

/* ---- the runtime's buffers: the timer heap grows with realloc ---- */

enum { TIMERS_EACH = 40 }; /* the second goroutine's timers grow the heap */

static weft_timer *timers[2][TIMERS_EACH];

static void start_timers(weft_timer **mine)
{
    for (int i = 0; i < TIMERS_EACH; i++)
        mine[i] = weft_timer_new(3600 * 1000000000ll);
    weft_waitgroup_done(&done);
}

static void start_first_timers(void *arg)
{
    (void)arg;
    start_timers(timers[0]);
}

static void start_second_timers(void *arg)
{
    (void)arg;
    start_timers(timers[1]);
}

static void timers_from_two_goroutines(void *arg)
{
    (void)arg;
    concurrently(start_first_timers, start_second_timers);
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < TIMERS_EACH; i++)
            weft_timer_free(timers[side][i]);
}

Test(own_libc, runtime_buffers_grown_by_unordered_goroutines_do_not_race)
{
    expect_no_race(timers_from_two_goroutines);
}
