/*
 * Every primitive under contention on 4 worker threads, small enough to run
 * under valgrind: memcheck (no invalid access in the runtime) and helgrind
 * (no race inside the runtime: its state is only touched under its lock,
 * which parallel.c describes to helgrind). Exits 1 on a wrong result.
 */
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
static long total, table, onces, readies;

static void init(void *arg)
{
    (void)arg;
    onces++;
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
    long want = (long)GOROUTINES * ITEMS * (ITEMS + 1) / 2;
    if (total != want || table != GOROUTINES * ITEMS || onces != 1) {
        printf("total %ld (want %ld), table %ld, onces %ld\n", total, want,
               table, onces);
        return 1;
    }
    puts("parallel_stress: ok"); /* drd's test reads it (tests/CMakeLists) */
    fflush(stdout);
    return 0;
}
