/*
 * Loopback sockets under the harness: every schedule runs real sockets
 * between goroutines of one test, on the virtual clock. A correct echo and
 * a deadline pass every schedule; two writers racing on one connection
 * are found and replayed byte for byte; two ends that both read deadlock.
 * A test binary of WEFT_TESTs (linked with weft_main).
 */
#include <errno.h>
#include <string.h>
#include <weft.h>

static weft_listener *listen_loopback(void)
{
    int error = 0;
    weft_listener *l = weft_listen_tcp("127.0.0.1", 0, &error);
    weft_assert(l, "listen: %s", weft_net_strerror(error));
    return l;
}

static weft_conn *dial(weft_listener *l)
{
    int error = 0;
    weft_conn *c = weft_dial_tcp("127.0.0.1", weft_listener_port(l), &error);
    weft_assert(c, "dial: %s", weft_net_strerror(error));
    return c;
}

static weft_conn *accept_one(weft_listener *l)
{
    int error = 0;
    weft_conn *c = weft_accept(l, &error);
    weft_assert(c, "accept: %s", weft_net_strerror(error));
    return c;
}

static size_t read_full(weft_conn *c, char *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t n = weft_conn_read(c, buffer + done, length - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    return done;
}

/* ---- an echo server and three clients: passes ---- */

enum { CLIENTS = 3 };

static void echo(void *arg)
{
    weft_conn *c = arg;
    char buffer[64];
    ssize_t n;
    while ((n = weft_conn_read(c, buffer, sizeof buffer)) > 0)
        weft_conn_write(c, buffer, (size_t)n);
    weft_conn_close(c);
}

static void serve(void *arg)
{
    weft_conn *c;
    while ((c = weft_accept(arg, NULL)))
        weft_go(echo, c);
}

static weft_waitgroup clients_done;

static void client(void *arg)
{
    weft_conn *c = dial(arg);
    const char message[] = "ping";
    char reply[sizeof message] = "";
    weft_conn_write(c, message, sizeof message);
    weft_assert(read_full(c, reply, sizeof reply) == sizeof reply &&
                    strcmp(reply, message) == 0,
                "echo: got \"%s\"", reply);
    weft_conn_close(c);
    weft_waitgroup_done(&clients_done);
}

WEFT_TEST(loopback_echo)
{
    weft_listener *l = listen_loopback();
    weft_go(serve, l);
    weft_waitgroup_add(&clients_done, CLIENTS);
    for (int i = 0; i < CLIENTS; i++)
        weft_go(client, l);
    weft_waitgroup_wait(&clients_done);
    weft_listener_close(l); /* serve's accept returns: no leak */
    weft_yield();
}

/* ---- a deadline on the virtual clock: passes ---- */

static void slow_reply(void *arg)
{
    weft_conn *c = arg;
    weft_sleep(2 * WEFT_SECOND);
    weft_conn_write(c, "late", 4);
    weft_conn_close(c);
}

WEFT_TEST(deadline_beats_a_slow_server)
{
    weft_listener *l = listen_loopback();
    weft_conn *c = dial(l);
    weft_go(slow_reply, accept_one(l));
    weft_conn_set_read_deadline(c, weft_now() + WEFT_SECOND);
    char buffer[8];
    ssize_t n = weft_conn_read(c, buffer, sizeof buffer);
    weft_assert(n == -ETIMEDOUT, "read: %zd", n);
    weft_assert(weft_now() == WEFT_SECOND, "at %lld", (long long)weft_now());
    weft_conn_set_read_deadline(c, 0); /* deadlines stay until cleared */
    n = weft_conn_read(c, buffer, sizeof buffer); /* the reply, at 2 s */
    weft_assert(n == 4 && weft_now() == 2 * WEFT_SECOND, "read: %zd", n);
    weft_conn_close(c);
    weft_listener_close(l);
}

/* ---- two writers on one connection: the order is not guaranteed ---- */

static weft_waitgroup written;

static void write_line(void *arg)
{
    weft_conn *c = ((weft_conn **)arg)[0];
    const char *line = ((const char **)arg)[1];
    weft_conn_write(c, line, strlen(line));
    weft_waitgroup_done(&written);
}

WEFT_TEST(interleaved_replies)
{
    weft_listener *l = listen_loopback();
    weft_conn *c = dial(l);
    weft_conn *server = accept_one(l);
    void *first[] = {server, "first\n"}, *second[] = {server, "second\n"};
    weft_waitgroup_add(&written, 2);
    weft_go(write_line, first);
    weft_go(write_line, second);
    weft_waitgroup_wait(&written);
    char got[16] = "";
    read_full(c, got, 13);
    weft_assert(strcmp(got, "first\nsecond\n") == 0, "replies came as %s",
                got[0] == 's' ? "second, first" : "first, second");
    weft_conn_close(server);
    weft_conn_close(c);
    weft_listener_close(l);
}

/* ---- both ends wait to be spoken to: a deadlock ---- */

static void wait_to_be_spoken_to(void *arg)
{
    char byte;
    weft_conn_read(arg, &byte, 1);
}

WEFT_TEST(both_ends_read)
{
    weft_listener *l = listen_loopback();
    weft_conn *c = dial(l);
    weft_go(wait_to_be_spoken_to, accept_one(l));
    wait_to_be_spoken_to(c);
}
