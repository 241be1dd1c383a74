/* The race detector's workloads under weft: the passes of a workload
 * (race_loop.h, race_tree.h: RACE_WORKLOAD names the header) handed back
 * and forth between the main goroutine and a partner over two unbuffered
 * channels. Built instrumented for weft's race detector (-fsanitize=thread,
 * linked with libweft) and plain; its TSan peer is
 * peers/race_turns_pthread.c. */
#include "bench.h"

#include <weft.h>

#ifndef RACE_WORKLOAD
#define RACE_WORKLOAD "race_loop.h"
#endif
#include RACE_WORKLOAD

struct turns {
    weft_chan *to_partner, *to_main;
};

static void partner(void *arg)
{
    struct turns *t = arg;
    long pass;
    while (weft_chan_recv_ok(t->to_partner, &pass)) {
        race_pass(pass);
        pass++;
        weft_chan_send(t->to_main, &pass);
    }
}

int main(int argc, char **argv)
{
    long passes = bench_count(argc, argv, RACE_PASSES);
    struct turns t = {weft_chan_make(sizeof(long), 0),
                      weft_chan_make(sizeof(long), 0)};
    race_fill();
    weft_go(partner, &t);

    double start = bench_now_ns();
    for (long pass = 0; pass < passes;) {
        race_pass(pass);
        pass++;
        weft_chan_send(t.to_partner, &pass);
        weft_chan_recv(t.to_main, &pass);
    }
    double elapsed = bench_now_ns() - start;
    weft_chan_close(t.to_partner);
    race_report(elapsed, passes);
    return 0;
}
