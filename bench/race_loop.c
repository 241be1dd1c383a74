/* race_loop: the loop of race_loop.h, its passes handed back and forth
 * between the main goroutine and a partner over two unbuffered channels.
 * Built twice: bench_race_loop instrumented for weft's race detector
 * (-fsanitize=thread, linked with libweft), bench_race_loop_plain not. */
#include "bench.h"

#include <weft.h>

#include "race_loop.h"

struct turns {
    weft_chan *to_partner, *to_main;
};

static void partner(void *arg)
{
    struct turns *t = arg;
    long pass;
    while (weft_chan_recv_ok(t->to_partner, &pass)) {
        race_loop_pass(pass);
        pass++;
        weft_chan_send(t->to_main, &pass);
    }
}

int main(int argc, char **argv)
{
    long passes = bench_count(argc, argv, RACE_LOOP_PASSES);
    struct turns t = {weft_chan_make(sizeof(long), 0),
                      weft_chan_make(sizeof(long), 0)};
    race_loop_fill();
    weft_go(partner, &t);

    double start = bench_now_ns();
    for (long pass = 0; pass < passes;) {
        race_loop_pass(pass);
        pass++;
        weft_chan_send(t.to_partner, &pass);
        weft_chan_recv(t.to_main, &pass);
    }
    double elapsed = bench_now_ns() - start;
    weft_chan_close(t.to_partner);
    race_loop_report(elapsed, passes);
    return 0;
}
