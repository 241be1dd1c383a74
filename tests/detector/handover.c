/* Happens-before when one goroutine completes another's parked channel
 * operation (runtime/chan.c, runtime/select.c; DESIGN.md rules 2-4): each
 * path that hands a value or a buffer slot to a parked peer, with the
 * parked side and the waker each a plain operation or a select case. The
 * peer's clock must move with its value at the hand-over, not when the
 * peer next runs, as Go's racereleaseacquireg does. */
#include "race_test.h"

WEFT_CHAN_TYPE(int_chan, int)

static int x;
static int_chan *c, *never; /* never: a second select case, never ready */
static weft_waitgroup done;

/* How each side reaches the channel: shape bit 0 for the parked side,
 * bit 1 for the waker. */
enum { PARKED_SELECTS = 1, WAKER_SELECTS = 2 };
static unsigned shape;

static void send(int value, bool via_select)
{
    if (!via_select) {
        int_chan_send(c, value);
        return;
    }
    int unused;
    struct weft_case cases[] = {
        WEFT_RECV_CASE(int_chan_chan(never), &unused),
        WEFT_SEND_CASE(int_chan_chan(c), &value),
    };
    cr_assert_eq(weft_select(cases, 2), 1);
}

static int receive(bool via_select)
{
    if (!via_select)
        return int_chan_recv(c);
    int value = -1, unused;
    struct weft_case cases[] = {
        WEFT_RECV_CASE(int_chan_chan(never), &unused),
        WEFT_RECV_CASE(int_chan_chan(c), &value),
    };
    cr_assert_eq(weft_select(cases, 2), 1);
    return value;
}

static void run_shapes(weft_fn scenario, void (*expect)(weft_fn))
{
    for (shape = 0; shape < 4; shape++)
        expect(scenario);
}

/* The scenarios' frame: first and second run as two goroutines on a fresh
 * channel of that capacity, filled with a 0 first when full is set; once both
 * are done the channel holds left, or nothing when left is -1. */
static void run_pair(size_t capacity, bool full, weft_fn first, weft_fn second,
                     int left)
{
    x = 0;
    c = int_chan_make(capacity);
    never = int_chan_make(0);
    if (full)
        int_chan_send(c, 0);
    weft_waitgroup_add(&done, 2);
    weft_go(first, NULL);
    weft_go(second, NULL);
    weft_waitgroup_wait(&done);
    cr_assert_eq(weft_chan_len(int_chan_chan(c)), left < 0 ? 0u : 1u);
    if (left >= 0)
        cr_assert_eq(int_chan_recv(c), left);
    int_chan_free(c);
    int_chan_free(never);
}

/* ---- a parked sender on a full buffer: its value moves into the slot
 * when a receive makes room; the receive of that value must acquire the
 * sender's clock (send HB its receive), whoever moved it ---- */

static void write_then_send(void *arg)
{
    (void)arg;
    x = 1;
    send(1, shape & PARKED_SELECTS); /* the buffer is full: parks */
    weft_waitgroup_done(&done);
}

static void receive_twice_then_read(void *arg)
{
    (void)arg;
    cr_assert_eq(receive(shape & WAKER_SELECTS), 0); /* moves 1 in */
    cr_assert_eq(receive(false), 1);
    int seen = x; /* ordered: after the receive of the sender's value */
    cr_assert_eq(seen, 1);
    weft_waitgroup_done(&done);
}

static void parked_sender_value_moved_into_the_buffer(void *arg)
{
    (void)arg;
    run_pair(1, true, write_then_send, receive_twice_then_read, -1);
}

Test(handover, parked_sender_orders_the_receive_of_its_value)
{
    run_shapes(parked_sender_value_moved_into_the_buffer, expect_no_race);
}

/* The same program, but the reader takes only the first value, which the
 * sender did not send: nothing orders the sender's write before it. */
static void receive_once_then_read(void *arg)
{
    (void)arg;
    cr_assert_eq(receive(shape & WAKER_SELECTS), 0);
    int seen = x;
    (void)seen;
    weft_waitgroup_done(&done);
}

static void receive_of_another_value(void *arg)
{
    (void)arg;
    run_pair(1, true, write_then_send, receive_once_then_read, 1);
}

Test(handover, receive_of_an_earlier_value_does_not_order_the_sender)
{
    run_shapes(receive_of_another_value, expect_race_always);
}

/* ---- a parked receiver on an empty buffer: a send hands it the value;
 * its receive (the k-th) must order the completion of the (k+C)-th send,
 * even when that send completes before the receiver runs again ---- */

static void write_then_receive(void *arg)
{
    (void)arg;
    x = 1;
    cr_assert_eq(receive(shape & PARKED_SELECTS), 7); /* parks: empty */
    weft_waitgroup_done(&done);
}

static void send_twice_then_read(void *arg)
{
    (void)arg;
    send(7, shape & WAKER_SELECTS); /* the first send: to the receiver */
    send(8, false); /* the (1 + C)-th: ordered after the first receive */
    int seen = x;
    cr_assert_eq(seen, 1);
    weft_waitgroup_done(&done);
}

static void parked_receiver_orders_a_later_send(void *arg)
{
    (void)arg;
    run_pair(1, false, write_then_receive, send_twice_then_read, 8);
}

Test(handover, parked_receiver_orders_the_send_c_later)
{
    /* FIFO parks the receiver first; the seeds try other orders, in which
     * the first send fills the buffer and the receiver takes it from
     * there: rule 4 orders the second send after it either way */
    run_shapes(parked_receiver_orders_a_later_send, expect_no_race);
}

/* With capacity 2 the second send is not the (1 + C)-th: nothing orders
 * it after the receive, so its read races with the receiver's write. */
static void send_twice_then_read_unchecked(void *arg)
{
    (void)arg;
    send(7, shape & WAKER_SELECTS);
    send(8, false);
    int seen = x; /* races with the receiver's write */
    (void)seen;
    weft_waitgroup_done(&done);
}

static void parked_receiver_capacity_two_racy(void *arg)
{
    (void)arg;
    run_pair(2, false, write_then_receive, send_twice_then_read_unchecked, 8);
}

Test(handover, a_send_within_capacity_is_not_ordered_by_the_receive)
{
    run_shapes(parked_receiver_capacity_two_racy, expect_race_always);
}
