/* pingpong: ns per round trip, main sending on one unbuffered channel and a
 * partner answering on another. */
#include "bench.h"

#include <weft.h>

struct pair {
    weft_chan *ping, *pong;
};

static void echo(void *arg)
{
    struct pair *p = arg;
    long value;
    while (weft_chan_recv_ok(p->ping, &value))
        weft_chan_send(p->pong, &value);
}

int main(int argc, char **argv)
{
    long rounds = bench_count(argc, argv, 1000000);
    struct pair p = {weft_chan_make(sizeof(long), 0),
                     weft_chan_make(sizeof(long), 0)};

    weft_go(echo, &p);
    double start = bench_now_ns();
    for (long i = 0; i < rounds; i++) {
        long value;
        weft_chan_send(p.ping, &i);
        weft_chan_recv(p.pong, &value);
    }
    double elapsed = bench_now_ns() - start;
    weft_chan_close(p.ping);
    bench_report(elapsed / (double)rounds);
    return 0;
}
