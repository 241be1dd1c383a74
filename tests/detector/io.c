/* I/O orders goroutines as in Go's race detector: every write to a
 * descriptor releases one sync object and every read acquires it, so what
 * a goroutine did before sending bytes happens before what the receiver
 * does after reading them; an access before the read is still a race.
 * Compiled with -fsanitize=thread. */
#include <errno.h>

#include "race_test.h"

static int shared;

struct ends {
    weft_listener *listener;
    weft_conn *a, *b;
    weft_waitgroup done;
};

static void open_ends(struct ends *e)
{
    int error = 0;
    e->listener = weft_listen_tcp("127.0.0.1", 0, &error);
    cr_assert(e->listener, "%s", weft_net_strerror(error));
    e->a = weft_dial_tcp("127.0.0.1", weft_listener_port(e->listener), &error);
    e->b = weft_accept(e->listener, &error);
    cr_assert(e->a && e->b, "%s", weft_net_strerror(error));
}

static void close_ends(struct ends *e)
{
    weft_conn_close(e->a);
    weft_conn_close(e->b);
    weft_listener_close(e->listener);
}

static void write_then_send(void *arg)
{
    struct ends *e = arg;
    shared = 42;
    weft_conn_write(e->a, "!", 1);
    weft_waitgroup_done(&e->done);
}

static void receive_then_read(void *arg)
{
    struct ends *e = arg;
    char byte;
    cr_assert_eq(weft_conn_read(e->b, &byte, 1), 1);
    cr_assert_eq(shared, 42);
    weft_waitgroup_done(&e->done);
}

static void read_then_receive(void *arg)
{
    struct ends *e = arg;
    int seen = shared; /* before the byte: unordered with the write */
    char byte;
    weft_conn_read(e->b, &byte, 1);
    (void)seen;
    weft_waitgroup_done(&e->done);
}

static void hand_over(weft_fn receiver)
{
    static struct ends e;
    e = (struct ends){0};
    shared = 0;
    open_ends(&e);
    weft_waitgroup_add(&e.done, 2);
    weft_go(receiver, &e);
    weft_go(write_then_send, &e);
    weft_waitgroup_wait(&e.done);
    close_ends(&e);
}

static void ordered_by_the_socket(void *arg)
{
    (void)arg;
    hand_over(receive_then_read);
}

static void read_before_the_socket(void *arg)
{
    (void)arg;
    hand_over(read_then_receive);
}

Test(io, bytes_over_a_socket_order_the_sender_before_the_receiver)
{
    expect_no_race(ordered_by_the_socket);
}

Test(io, an_access_before_the_read_still_races)
{
    expect_race_always(read_before_the_socket);
}

/* weft_blocking runs on the goroutine's thread in a race build, so its
 * accesses are the goroutine's: ordered by the goroutine's own sync. */
static void *bump(void *arg)
{
    (*(int *)arg)++;
    return NULL;
}

static weft_mutex lock;

static void bump_locked(void *arg)
{
    weft_mutex_lock(&lock);
    weft_blocking(bump, &shared);
    weft_mutex_unlock(&lock);
    weft_waitgroup_done(arg);
}

static void blocking_calls_under_a_lock(void *arg)
{
    (void)arg;
    static weft_waitgroup done;
    shared = 0;
    weft_waitgroup_add(&done, 2);
    weft_go(bump_locked, &done);
    weft_go(bump_locked, &done);
    weft_waitgroup_wait(&done);
    cr_assert_eq(shared, 2);
}

static void bump_unlocked(void *arg)
{
    weft_blocking(bump, &shared);
    weft_waitgroup_done(arg);
}

static void blocking_calls_unlocked(void *arg)
{
    (void)arg;
    static weft_waitgroup done;
    weft_waitgroup_add(&done, 2);
    weft_go(bump_unlocked, &done);
    weft_go(bump_unlocked, &done);
    weft_waitgroup_wait(&done);
}

Test(io, blocking_calls_are_checked_as_the_goroutines_accesses)
{
    expect_no_race(blocking_calls_under_a_lock);
    expect_race_always(blocking_calls_unlocked);
}
