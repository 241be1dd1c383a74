/* spawn: ns per goroutine started and finished, a batch of n goroutines that
 * each call weft_waitgroup_done, then weft_waitgroup_wait; best of 5
 * batches, as the Go peer. */
#include "bench.h"

#include <weft.h>

enum { BATCHES = 5 };

static void done(void *arg)
{
    weft_waitgroup_done(arg);
}

int main(int argc, char **argv)
{
    long count = bench_count(argc, argv, 100000);
    double best = 0;

    for (int batch = 0; batch < BATCHES; batch++) {
        weft_waitgroup wg = {0};
        double start = bench_now_ns();
        weft_waitgroup_add(&wg, count);
        for (long i = 0; i < count; i++)
            weft_go(done, &wg);
        weft_waitgroup_wait(&wg);
        double per_goroutine = (bench_now_ns() - start) / (double)count;
        if (batch == 0 || per_goroutine < best)
            best = per_goroutine;
    }
    bench_report(best);
    return 0;
}
