/* Sockets on the netpoller: loopback echo at scale, deadlines, closing
 * with goroutines parked in I/O, descriptors wrapped with
 * weft_conn_from_fd, and I/O under a seeded (virtual-time) strategy. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <weft.h>

#include "child.h"
#include "harness_hooks.h" /* runtime_apply_run_settings */

static void run_fifo(weft_fn scenario, void *arg)
{
    struct weft_config config = {.strategy = weft_strategy_fifo()};
    weft_run(scenario, arg, &config);
}

static void run_seeded(weft_fn scenario, void *arg, uint64_t seed)
{
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = &random.base};
    weft_run(scenario, arg, &config);
}

static weft_listener *listen_loopback(void)
{
    int error = 0;
    weft_listener *l = weft_listen_tcp("127.0.0.1", 0, &error);
    cr_assert(l, "listen: %s", weft_net_strerror(error));
    return l;
}

static weft_conn *dial(weft_listener *l)
{
    int error = 0;
    weft_conn *c = weft_dial_tcp("127.0.0.1", weft_listener_port(l), &error);
    cr_assert(c, "dial: %s", weft_net_strerror(error));
    return c;
}

static weft_conn *accept_one(weft_listener *l)
{
    int error = 0;
    weft_conn *c = weft_accept(l, &error);
    cr_assert(c, "accept: %s", weft_net_strerror(error));
    return c;
}

/* Reads exactly length bytes; returns the first error or 0 at EOF. */
static ssize_t read_full(weft_conn *c, char *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t n = weft_conn_read(c, buffer + done, length - done);
        if (n <= 0)
            return n;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* ---- echo ---- */

enum { CONNECTIONS = 1000, ROUNDS = 3 };

static void echo_conn(void *arg)
{
    weft_conn *c = arg;
    char buffer[512];
    ssize_t n;
    while ((n = weft_conn_read(c, buffer, sizeof buffer)) > 0)
        if (weft_conn_write(c, buffer, (size_t)n) != n)
            break;
    weft_conn_close(c);
}

struct echo_server {
    weft_listener *listener;
    int accept_error; /* what ended the accept loop */
    size_t accepted;
    weft_waitgroup done;
};

static void serve(void *arg)
{
    struct echo_server *s = arg;
    for (;;) {
        int error = 0;
        weft_conn *c = weft_accept(s->listener, &error);
        if (!c) {
            s->accept_error = error;
            break;
        }
        s->accepted++;
        weft_go(echo_conn, c);
    }
    weft_waitgroup_done(&s->done);
}

struct echo_client {
    struct echo_server *server;
    int index;
    bool ok;
    weft_waitgroup *done;
};

static void client(void *arg)
{
    struct echo_client *cl = arg;
    weft_conn *c = dial(cl->server->listener);
    cl->ok = true;
    for (int round = 0; round < ROUNDS; round++) {
        char message[64], reply[64];
        int length = snprintf(message, sizeof message, "client %d round %d",
                              cl->index, round);
        cl->ok &= weft_conn_write(c, message, (size_t)length) == length;
        cl->ok &= read_full(c, reply, (size_t)length) == length &&
                  memcmp(reply, message, (size_t)length) == 0;
        weft_yield(); /* let the others interleave their rounds */
    }
    weft_conn_close(c);
    weft_waitgroup_done(cl->done);
}

struct echo_run {
    size_t connections;
    size_t ok;
    struct echo_server server;
};

static void echo_many(void *arg)
{
    struct echo_run *run = arg;
    run->server.listener = listen_loopback();
    weft_waitgroup_add(&run->server.done, 1);
    weft_go(serve, &run->server);
    static struct echo_client clients[CONNECTIONS];
    weft_waitgroup done = {0};
    for (size_t i = 0; i < run->connections; i++) {
        clients[i] = (struct echo_client){&run->server, (int)i, false, &done};
        weft_waitgroup_add(&done, 1);
        weft_go(client, &clients[i]);
    }
    weft_waitgroup_wait(&done);
    for (size_t i = 0; i < run->connections; i++)
        run->ok += clients[i].ok;
    weft_listener_close(run->server.listener);
    weft_waitgroup_wait(&run->server.done);
}

static void raise_descriptor_limit(size_t wanted)
{
    struct rlimit limit;
    cr_assert_eq(getrlimit(RLIMIT_NOFILE, &limit), 0);
    limit.rlim_cur = limit.rlim_max;
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &limit), 0);
    cr_assert_geq(limit.rlim_cur, wanted, "need %zu descriptors", wanted);
}

Test(net, echo_serves_1000_concurrent_connections)
{
    raise_descriptor_limit(2 * CONNECTIONS + 16);
    struct echo_run run = {.connections = CONNECTIONS};
    run_fifo(echo_many, &run);
    cr_assert_eq(run.ok, CONNECTIONS);
    cr_assert_eq(run.server.accepted, CONNECTIONS);
    cr_assert_eq(run.server.accept_error, -EBADF);
}

Test(net, echo_under_seeded_schedules)
{
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct echo_run run = {.connections = 20};
        run_seeded(echo_many, &run, seed);
        cr_assert_eq(run.ok, 20, "seed %llu", (unsigned long long)seed);
        cr_assert_eq(run.server.accept_error, -EBADF);
    }
}

/* ---- deadlines ---- */

struct pair {
    weft_listener *listener;
    weft_conn *client, *server;
};

static void pair_open(struct pair *p)
{
    p->listener = listen_loopback();
    p->client = dial(p->listener);
    p->server = accept_one(p->listener);
}

static void pair_close(struct pair *p)
{
    weft_conn_close(p->client);
    weft_conn_close(p->server);
    weft_listener_close(p->listener);
}

struct timed {
    ssize_t result;
    int64_t waited;
};

static void read_times_out(void *arg)
{
    struct timed *t = arg;
    struct pair p;
    pair_open(&p);
    int64_t start = weft_now();
    weft_conn_set_read_deadline(p.client, start + 50 * WEFT_MILLISECOND);
    char byte;
    t->result = weft_conn_read(p.client, &byte, 1);
    t->waited = weft_now() - start;
    pair_close(&p);
}

Test(net, read_with_no_data_times_out_on_the_virtual_clock)
{
    struct timed t = {0};
    run_seeded(read_times_out, &t, 7);
    cr_assert_eq(t.result, -ETIMEDOUT);
    cr_assert_eq(t.waited, 50 * WEFT_MILLISECOND);
    cr_assert_str_eq(weft_net_strerror((int)t.result), "i/o timeout");
}

Test(net, read_with_no_data_times_out_on_the_real_clock)
{
    struct timed t = {0};
    run_fifo(read_times_out, &t);
    cr_assert_eq(t.result, -ETIMEDOUT);
    cr_assert_geq(t.waited, 50 * WEFT_MILLISECOND);
}

static void past_deadline(void *arg)
{
    ssize_t *results = arg;
    struct pair p;
    pair_open(&p);
    cr_assert_eq(weft_conn_write(p.server, "x", 1), 1);
    /* the byte is there, and still the read fails: the deadline is past */
    weft_conn_set_deadline(p.client, weft_now() - 1);
    char byte;
    results[0] = weft_conn_read(p.client, &byte, 1);
    results[1] = weft_conn_write(p.client, "y", 1);
    weft_conn_set_deadline(p.client, 0);
    results[2] = weft_conn_read(p.client, &byte, 1);
    results[3] = byte;
    pair_close(&p);
}

Test(net, deadline_in_the_past_fails_at_once_and_zero_clears_it)
{
    ssize_t results[4] = {0};
    run_fifo(past_deadline, results);
    cr_assert_eq(results[0], -ETIMEDOUT);
    cr_assert_eq(results[1], -ETIMEDOUT);
    cr_assert_eq(results[2], 1);
    cr_assert_eq(results[3], 'x');
}

struct stalled_write {
    ssize_t result;
    size_t written; /* bytes accepted before the deadline */
    int64_t deadline, returned_at;
};

static void write_to_a_stalled_peer(void *arg)
{
    struct stalled_write *w = arg;
    struct pair p;
    pair_open(&p); /* p.server never reads */
    static char chunk[64 << 10];
    w->deadline = weft_now() + 100 * WEFT_MILLISECOND;
    weft_conn_set_write_deadline(p.client, w->deadline);
    for (int i = 0; i < 4096; i++) { /* 256 MiB: more than any buffer */
        w->result = weft_conn_write(p.client, chunk, sizeof chunk);
        if (w->result < 0)
            break;
        w->written += sizeof chunk;
    }
    w->returned_at = weft_now();
    pair_close(&p);
}

Test(net, write_to_a_peer_that_stopped_reading_times_out)
{
    struct stalled_write w = {0};
    run_fifo(write_to_a_stalled_peer, &w);
    cr_assert_eq(w.result, -ETIMEDOUT);
    cr_assert_lt(w.written, (size_t)4096 << 16);
    cr_assert_geq(w.returned_at, w.deadline);
}

Test(net, write_to_a_stalled_peer_times_out_on_the_virtual_clock)
{
    struct stalled_write w = {0};
    run_seeded(write_to_a_stalled_peer, &w, 3);
    cr_assert_eq(w.result, -ETIMEDOUT);
    cr_assert_eq(w.returned_at, w.deadline);
}

struct moved_deadline {
    struct pair p;
    ssize_t result;
    char byte;
};

static void read_parked(void *arg)
{
    struct moved_deadline *m = arg;
    m->result = weft_conn_read(m->p.client, &m->byte, 1);
}

/* A deadline set while a read waits applies to it: pushed later, the
 * read goes on waiting and gets the data. */
static void extend_while_parked(void *arg)
{
    struct moved_deadline *m = arg;
    pair_open(&m->p);
    weft_conn_set_read_deadline(m->p.client, weft_now() + WEFT_SECOND);
    weft_go(read_parked, m);
    weft_sleep(500 * WEFT_MILLISECOND);
    weft_conn_set_read_deadline(m->p.client, weft_now() + WEFT_HOUR);
    weft_sleep(WEFT_MINUTE); /* past the first deadline */
    weft_conn_write(m->p.server, "z", 1);
    weft_sleep(WEFT_SECOND);
    pair_close(&m->p);
}

Test(net, deadline_moved_while_parked_applies_to_the_waiting_read)
{
    struct moved_deadline m = {.result = -1};
    run_seeded(extend_while_parked, &m, 11);
    cr_assert_eq(m.result, 1);
    cr_assert_eq(m.byte, 'z');
}

static void expire_while_parked(void *arg)
{
    struct moved_deadline *m = arg;
    pair_open(&m->p);
    weft_go(read_parked, m);
    weft_yield(); /* it parks: no data, no deadline */
    weft_conn_set_read_deadline(m->p.client, weft_now() - 1);
    weft_yield();
    pair_close(&m->p);
}

Test(net, deadline_set_in_the_past_wakes_the_waiting_read)
{
    struct moved_deadline m = {.result = 1};
    run_fifo(expire_while_parked, &m);
    cr_assert_eq(m.result, -ETIMEDOUT);
}

/* ---- closing and shutting down ---- */

struct parked {
    struct pair p;
    int accept_error;
    ssize_t read_result, write_result;
    weft_waitgroup done;
};

static void accept_parked(void *arg)
{
    struct parked *s = arg;
    int error = 0;
    cr_assert_null(weft_accept(s->p.listener, &error));
    s->accept_error = error;
    weft_waitgroup_done(&s->done);
}

static void read_parked_on_server(void *arg)
{
    struct parked *s = arg;
    char byte;
    s->read_result = weft_conn_read(s->p.server, &byte, 1);
    weft_waitgroup_done(&s->done);
}

static void write_parked_on_server(void *arg)
{
    struct parked *s = arg;
    static char chunk[1 << 20];
    do
        s->write_result = weft_conn_write(s->p.server, chunk, sizeof chunk);
    while (s->write_result > 0);
    weft_waitgroup_done(&s->done);
}

static void close_wakes_everyone(void *arg)
{
    struct parked *s = arg;
    pair_open(&s->p);
    weft_waitgroup_add(&s->done, 3);
    weft_go(accept_parked, s);
    weft_go(read_parked_on_server, s);
    weft_go(write_parked_on_server, s);
    weft_sleep(10 * WEFT_MILLISECOND); /* all three are parked by then */
    cr_assert_eq(weft_listener_close(s->p.listener), 0);
    cr_assert_eq(weft_conn_close(s->p.server), 0);
    weft_waitgroup_wait(&s->done);
    /* the peer sees the descriptor closed: end of file */
    char buffer[4096];
    ssize_t n;
    while ((n = weft_conn_read(s->p.client, buffer, sizeof buffer)) > 0)
        ;
    s->read_result = s->read_result * 100 + n;
    cr_assert_eq(weft_conn_close(s->p.client), 0);
}

Test(net, closing_wakes_goroutines_parked_in_accept_read_and_write)
{
    struct parked s = {0};
    run_fifo(close_wakes_everyone, &s);
    cr_assert_eq(s.accept_error, -EBADF);
    cr_assert_eq(s.read_result, -EBADF * 100 + 0, "%zd", s.read_result);
    cr_assert_eq(s.write_result, -EBADF);
    cr_assert_str_eq(weft_net_strerror(-EBADF),
                     "use of closed network connection");
}

Test(net, closing_wakes_parked_goroutines_on_the_virtual_clock)
{
    struct parked s = {0};
    run_seeded(close_wakes_everyone, &s, 5);
    cr_assert_eq(s.accept_error, -EBADF);
    cr_assert_eq(s.read_result, -EBADF * 100 + 0, "%zd", s.read_result);
    cr_assert_eq(s.write_result, -EBADF);
}

static void twice_closed(void *arg)
{
    int *results = arg;
    struct pair p;
    pair_open(&p);
    results[0] = weft_conn_close_write(p.client);
    char byte;
    results[1] = (int)weft_conn_read(p.server, &byte, 1); /* end of file */
    results[2] = (int)weft_conn_write(p.server, "w", 1);  /* still open */
    results[3] = (int)weft_conn_read(p.client, &byte, 1);
    pair_close(&p);
}

Test(net, close_write_sends_end_of_file_and_keeps_reading)
{
    int results[4] = {-1, -1, -1, -1};
    run_fifo(twice_closed, results);
    cr_assert_eq(results[0], 0);
    cr_assert_eq(results[1], 0);
    cr_assert_eq(results[2], 1);
    cr_assert_eq(results[3], 1);
}

static weft_listener *exit_listener;

static void park_forever_in_io(void *arg)
{
    weft_conn *c = arg;
    char byte;
    weft_conn_read(c, &byte, 1);
    printf("never\n");
}

static void accept_forever(void *arg)
{
    (void)arg;
    while (weft_accept(exit_listener, NULL)) /* main's, then parks */
        ;
    printf("never\n");
}

static void main_returns_with_goroutines_in_io(void)
{
    exit_listener = listen_loopback();
    weft_conn *c = dial(exit_listener);
    weft_go(accept_forever, NULL);
    weft_go(park_forever_in_io, c);
    weft_yield();
    weft_yield();
    printf("main returns\n");
}

Test(net, program_exits_cleanly_with_goroutines_parked_in_io)
{
    child_expect_start(main_returns_with_goroutines_in_io, 0, "main returns\n");
}

/* ---- errors ---- */

static void refused(void *arg)
{
    int *error = arg;
    weft_listener *l = listen_loopback();
    int port = weft_listener_port(l);
    weft_listener_close(l);
    cr_assert_null(weft_dial_tcp("127.0.0.1", port, error));
}

Test(net, dial_to_a_closed_port_is_refused)
{
    int error = 0;
    run_fifo(refused, &error);
    cr_assert_eq(error, -ECONNREFUSED);
}

static void peer_gone(void *arg)
{
    ssize_t *results = arg;
    struct pair p;
    pair_open(&p);
    weft_conn_close(p.server);
    char byte;
    results[0] = weft_conn_read(p.client, &byte, 1);
    static char chunk[1 << 16];
    do
        results[1] = weft_conn_write(p.client, chunk, sizeof chunk);
    while (results[1] > 0);
    weft_conn_close(p.client);
    weft_listener_close(p.listener);
}

Test(net, a_peer_that_closed_gives_end_of_file_then_a_broken_pipe)
{
    ssize_t results[2] = {-1, 0};
    run_fifo(peer_gone, results);
    cr_assert_eq(results[0], 0);
    cr_assert(results[1] == -EPIPE || results[1] == -ECONNRESET, "%zd",
              results[1]);
}

/* After a short read the next read waits for the socket's next edge
 * instead of trying (it would fail): data already there and an end of
 * file must still come through. */
static void short_reads(void *arg)
{
    char(*got)[8] = arg;
    struct pair p;
    pair_open(&p);
    weft_conn_write(p.server, "ab", 2);
    cr_assert_eq(weft_conn_read(p.client, got[0], sizeof got[0]), 2);
    weft_conn_write(p.server, "cd", 2); /* there before the next read */
    cr_assert_eq(weft_conn_read(p.client, got[1], sizeof got[1]), 2);
    weft_conn_write(p.server, "efgh", 4);
    cr_assert_eq(weft_conn_read(p.client, got[2], 2), 2); /* not short */
    cr_assert_eq(weft_conn_read(p.client, got[3], sizeof got[3]), 2);
    weft_conn_close(p.server);
    cr_assert_eq(weft_conn_read(p.client, got[4], sizeof got[4]), 0);
    cr_assert_eq(weft_conn_read(p.client, got[4], sizeof got[4]), 0);
    weft_conn_close(p.client);
    weft_listener_close(p.listener);
}

Test(net, reads_after_a_short_read_get_data_and_end_of_file, .timeout = 60)
{
    char got[5][8] = {{0}};
    run_fifo(short_reads, got);
    cr_assert_str_eq(got[0], "ab");
    cr_assert_str_eq(got[1], "cd");
    cr_assert_str_eq(got[2], "ef");
    cr_assert_str_eq(got[3], "gh");
    memset(got, 0, sizeof got);
    run_seeded(short_reads, got, 4);
    cr_assert_str_eq(got[1], "cd");
    cr_assert_str_eq(got[3], "gh");
}

/* The peer's last bytes and its close arrive together, and the scheduler
 * takes their readiness while the reader is busy elsewhere: after the
 * short read that gets the bytes, the end of file must still come (no new
 * edge will announce it). */
static void *nothing(void *arg)
{
    return arg;
}

static void last_bytes_then_close(void *arg)
{
    ssize_t *results = arg;
    struct pair p;
    pair_open(&p);
    weft_conn_write(p.server, "x", 1);
    weft_conn_close(p.server);
    weft_blocking(nothing, NULL); /* parked: the scheduler polls meanwhile */
    char buffer[16];
    results[0] = weft_conn_read(p.client, buffer, sizeof buffer);
    results[1] = weft_conn_read(p.client, buffer, sizeof buffer);
    weft_conn_close(p.client);
    weft_listener_close(p.listener);
}

Test(net, end_of_file_after_a_short_read_is_not_missed, .timeout = 60)
{
    ssize_t results[2] = {-1, -1};
    run_fifo(last_bytes_then_close, results);
    cr_assert_eq(results[0], 1);
    cr_assert_eq(results[1], 0);
}

/* ---- any pollable descriptor ---- */

struct piped {
    weft_conn *in, *out;
    char got[16];
    ssize_t result;
};

static void pipe_reader(void *arg)
{
    struct piped *p = arg;
    p->result = read_full(p->in, p->got, 5);
}

static void through_a_pipe(void *arg)
{
    struct piped *p = arg;
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    int error = 0;
    p->in = weft_conn_from_fd(fds[0], &error);
    p->out = weft_conn_from_fd(fds[1], &error);
    cr_assert(p->in && p->out, "%s", weft_net_strerror(error));
    weft_go(pipe_reader, p);
    weft_yield(); /* the reader parks on the empty pipe */
    cr_assert_eq(weft_conn_write(p->out, "he", 2), 2);
    weft_yield();
    cr_assert_eq(weft_conn_write(p->out, "llo", 3), 3);
    weft_conn_close(p->out);
    char byte;
    while (p->result == 0)
        weft_yield();
    cr_assert_eq(weft_conn_read(p->in, &byte, 1), 0); /* writer closed */
    weft_conn_close(p->in);
}

Test(net, a_pipe_wrapped_with_from_fd_parks_its_reader)
{
    struct piped p = {0};
    run_fifo(through_a_pipe, &p);
    cr_assert_eq(p.result, 5);
    cr_assert_str_eq(p.got, "hello");
}

static void regular_file(void *arg)
{
    int *error = arg;
    char path[] = "/tmp/weft-net-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    cr_assert_null(weft_conn_from_fd(fd, error));
    cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "flags restored");
    close(fd);
}

Test(net, a_regular_file_cannot_be_polled)
{
    int error = 0;
    run_fifo(regular_file, &error);
    cr_assert_eq(error, -EPERM);
}

/* ---- fairness and deadlock ---- */

struct spinner {
    struct pair p;
    bool got;
};

static void wait_for_byte(void *arg)
{
    struct spinner *s = arg;
    char byte;
    s->got = weft_conn_read(s->p.client, &byte, 1) == 1;
}

/* main never blocks: only the scheduler's polling between goroutines can
 * deliver the byte to the reader. */
static void spin_until_read(void *arg)
{
    struct spinner *s = arg;
    pair_open(&s->p);
    weft_go(wait_for_byte, s);
    weft_yield(); /* it parks */
    weft_conn_write(s->p.server, "!", 1);
    while (!s->got)
        weft_yield();
    pair_close(&s->p);
}

Test(net, a_busy_goroutine_does_not_starve_one_woken_by_io, .timeout = 60)
{
    struct spinner s = {0};
    run_fifo(spin_until_read, &s);
    cr_assert(s.got);
}

static void read_from_both_ends(void *arg)
{
    (void)arg;
    static struct spinner s;
    pair_open(&s.p);
    weft_go(wait_for_byte, &s);
    char byte;
    weft_conn_read(s.p.server, &byte, 1); /* nobody writes either way */
}

static void both_ends_read_in_a_seeded_run(void)
{
    runtime_apply_run_settings(&(struct runtime_run_settings){
        .io_grace_ns = 50 * WEFT_MILLISECOND}); /* as weft test does */
    run_seeded(read_from_both_ends, NULL, 1);
}

/* Under virtual time with an I/O grace (weft test), I/O comes from inside
 * the program: with nothing ready, no timer and no peer answering within
 * the grace, it is a deadlock. */
Test(net, both_ends_reading_is_a_deadlock_under_virtual_time)
{
    struct child_result r;
    child_run(both_ends_read_in_a_seeded_run, &r);
    cr_assert_eq(r.exit_status, 2, "%s", r.output);
    cr_assert(strstr(r.output, "fatal error: all goroutines are asleep - "
                               "deadlock!\n\ngoroutine 1 [IO wait]:\n"),
              "%s", r.output);
    cr_assert(strstr(r.output, "goroutine 2 [IO wait]:\n  wait_for_byte() "),
              "%s", r.output);
}
