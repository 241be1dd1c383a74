/*
 * Every primitive under contention on 4 worker threads, small enough to run
 * under valgrind: memcheck (no invalid access in the runtime) and helgrind
 * (no race inside the runtime: its state is only touched under its locks,
 * which lock.c describes to helgrind), timers, contexts and sockets
 * included. Exits 1 on a wrong result.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

enum { GOROUTINES = 8, ITEMS = 300 };

static weft_chan *unbuffered, *buffered;
static weft_mutex lock;
static weft_rwmutex table_lock;
static weft_cond ready = WEFT_COND_INIT(&lock);
static weft_once once;
static weft_waitgroup senders, receivers;
static weft_timer *shared_timer; /* reset from every worker */
static long total, table, onces, readies, stray_ticks;

static void init(void *arg)
{
    (void)arg;
    onces++;
}

/* Timers in the workers' heaps: started, stopped and reset across them;
 * contexts' deadlines and cancels. */
static void use_timers(long i)
{
    weft_sleep(20 * WEFT_MICROSECOND);
    weft_timer *t = weft_timer_new(WEFT_HOUR);
    if (!weft_timer_stop(t) || weft_chan_len(weft_timer_chan(t))) {
        weft_mutex_lock(&lock);
        stray_ticks++;
        weft_mutex_unlock(&lock);
    }
    weft_timer_free(t);
    if (i % 60)
        weft_timer_reset(shared_timer, (1 + i % 7) * 10 * WEFT_MICROSECOND);
    else
        weft_timer_stop(shared_timer);
    /* contexts: a deadline fires on some worker, a cancel stops a timer */
    weft_context *parent = weft_context_with_cancel(weft_context_background());
    weft_context *soon = weft_context_with_timeout(parent, WEFT_MICROSECOND);
    weft_context *later = weft_context_with_timeout(parent, WEFT_HOUR);
    weft_chan_recv(weft_context_done(soon), NULL);
    weft_context_cancel(parent);
    if (weft_context_err(soon) != WEFT_CONTEXT_DEADLINE_EXCEEDED ||
        weft_context_err(later) != WEFT_CONTEXT_CANCELED) {
        weft_mutex_lock(&lock);
        stray_ticks++;
        weft_mutex_unlock(&lock);
    }
    weft_context_free(later);
    weft_context_free(soon);
    weft_context_free(parent);
    long v;
    struct weft_case timeout[] = {
        WEFT_RECV_CASE(weft_after(10 * WEFT_MICROSECOND), &v)};
    weft_select(timeout, 1);
}

/* Sockets: each connection's echo on some worker, its client on another,
 * parked on the netpoller between them. Both ends are waited for: a server
 * still inside a read when the process exits holds its record's lock
 * there, which helgrind reports of the exiting thread. */
enum { CONNECTIONS = 4, MESSAGES = 40 };
static weft_listener *listener;
static weft_waitgroup echoes;
static long echo_errors;

static void serve_echo(void *arg)
{
    weft_conn *c = arg;
    char buffer[64];
    ssize_t n;
    while ((n = weft_conn_read(c, buffer, sizeof buffer)) > 0)
        weft_conn_write(c, buffer, (size_t)n);
    weft_conn_close(c);
    weft_waitgroup_done(&echoes);
}

static void accept_echoes(void *arg)
{
    (void)arg;
    for (int i = 0; i < CONNECTIONS; i++)
        weft_go(serve_echo, weft_accept(listener, NULL));
}

static bool read_long(weft_conn *c, long *v)
{
    size_t got = 0;
    while (got < sizeof *v) {
        ssize_t n = weft_conn_read(c, (char *)v + got, sizeof *v - got);
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

static void dial_echo(void *arg)
{
    (void)arg;
    weft_conn *c =
        weft_dial_tcp("127.0.0.1", weft_listener_port(listener), NULL);
    long echoed = 0;
    for (long i = 0; c && i < MESSAGES; i++) {
        long back = -1;
        if (weft_conn_write(c, &i, sizeof i) != sizeof i ||
            !read_long(c, &back) || back != i)
            break;
        echoed++;
    }
    if (c)
        weft_conn_close(c);
    if (echoed != MESSAGES) {
        weft_mutex_lock(&lock);
        echo_errors++;
        weft_mutex_unlock(&lock);
    }
    weft_waitgroup_done(&echoes);
}

static void send_items(void *arg)
{
    weft_chan *c = arg;
    weft_once_do(&once, init, NULL);
    for (long i = 1; i <= ITEMS; i++) {
        weft_chan_send(c, &i);
        weft_rwmutex_lock(&table_lock);
        table++;
        weft_rwmutex_unlock(&table_lock);
        if (i % 10 == 0)
            use_timers(i);
    }
    weft_mutex_lock(&lock);
    readies++;
    weft_cond_broadcast(&ready);
    weft_mutex_unlock(&lock);
    weft_waitgroup_done(&senders);
}

static void receive_items(void *arg)
{
    (void)arg;
    long v;
    /* a closed channel's case becomes nil, as in Go: the other may still
     * hold values (select chooses among ready cases at random) */
    weft_chan *from[2] = {unbuffered, buffered};
    for (int open = 2; open > 0;) {
        struct weft_case cases[] = {WEFT_RECV_CASE(from[0], &v),
                                    WEFT_RECV_CASE(from[1], &v)};
        int i = weft_select(cases, 2);
        if (!cases[i].ok) {
            from[i] = NULL;
            open--;
            continue;
        }
        weft_mutex_lock(&lock);
        total += v;
        weft_mutex_unlock(&lock);
        weft_rwmutex_rlock(&table_lock);
        (void)table;
        weft_rwmutex_runlock(&table_lock);
    }
    weft_waitgroup_done(&receivers);
}

int main(void)
{
    unbuffered = weft_chan_make(sizeof(long), 0);
    buffered = weft_chan_make(sizeof(long), 4);
    shared_timer = weft_timer_new(WEFT_HOUR);
    listener = weft_listen_tcp("127.0.0.1", 0, NULL);
    weft_waitgroup_add(&echoes, 2 * CONNECTIONS); /* servers and clients */
    weft_go(accept_echoes, NULL);
    for (int i = 0; i < CONNECTIONS; i++)
        weft_go(dial_echo, NULL);
    weft_waitgroup_add(&senders, GOROUTINES);
    weft_waitgroup_add(&receivers, GOROUTINES);
    for (int i = 0; i < GOROUTINES; i++) {
        weft_go(receive_items, NULL);
        weft_go(send_items, i % 2 ? unbuffered : buffered);
    }
    weft_mutex_lock(&lock);
    while (readies < GOROUTINES)
        weft_cond_wait(&ready);
    weft_mutex_unlock(&lock);
    weft_waitgroup_wait(&senders);
    weft_sleep(WEFT_MILLISECOND); /* a timer among the workers */
    weft_chan_close(unbuffered);
    weft_chan_close(buffered);
    weft_waitgroup_wait(&receivers);
    weft_timer_free(shared_timer);
    weft_waitgroup_wait(&echoes);
    weft_listener_close(listener);
    long want = (long)GOROUTINES * ITEMS * (ITEMS + 1) / 2;
    if (total != want || table != GOROUTINES * ITEMS || onces != 1 ||
        stray_ticks || echo_errors) {
        printf("total %ld (want %ld), table %ld, onces %ld, stray ticks or "
               "wrong errors %ld, failed echoes %ld\n",
               total, want, table, onces, stray_ticks, echo_errors);
        return 1;
    }
    puts("parallel_stress: ok"); /* drd's test reads it (tests/CMakeLists) */
    fflush(stdout);
    return 0;
}
