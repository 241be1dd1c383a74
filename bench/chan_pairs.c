/* chan_pairs: ns per round trip over all pairs, P independent pingpong
 * pairs (argv[2], default 2) each making n round trips (argv[1]) over its
 * own two unbuffered channels. bench/run runs it at 1 and at P workers:
 * the speed-up shows whether independent channels scale with workers. */
#include "bench.h"

#include <weft.h>

struct pair {
    weft_chan *ping, *pong;
    long count;
    weft_waitgroup *done;
};

static void echo(void *arg)
{
    struct pair *p = arg;
    int v;
    while (weft_chan_recv_ok(p->ping, &v))
        weft_chan_send(p->pong, &v);
}

static void drive(void *arg)
{
    struct pair *p = arg;
    for (int i = 0; i < p->count; i++) {
        int v;
        weft_chan_send(p->ping, &i);
        weft_chan_recv(p->pong, &v);
    }
    weft_chan_close(p->ping);
    weft_waitgroup_done(p->done);
}

int main(int argc, char **argv)
{
    long count = bench_count(argc, argv, 1000000);
    long pairs = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
    if (pairs <= 0 || pairs > 1024) {
        fprintf(stderr, "%s: bad pair count\n", argv[0]);
        return 2;
    }
    static struct pair all[1024];
    weft_waitgroup done = {0};
    weft_waitgroup_add(&done, pairs);
    double start = bench_now_ns();
    for (long i = 0; i < pairs; i++) {
        all[i] = (struct pair){weft_chan_make(sizeof(int), 0),
                               weft_chan_make(sizeof(int), 0), count, &done};
        weft_go(echo, &all[i]);
        weft_go(drive, &all[i]);
    }
    weft_waitgroup_wait(&done);
    bench_report((bench_now_ns() - start) / (double)(pairs * count));
    return 0;
}
