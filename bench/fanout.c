/* fanout: the pipeline sample's shape with work in the middle stage:
 * generate -> square (fanned out to WORKERS goroutines, each item costing
 * some computation) -> merge -> sum. Prints ns per item; bench/run runs it
 * on 1 and on 2 workers (WEFT_MAXPROCS) for the speed-up. */
#include "bench.h"

#include <weft.h>

enum { WORKERS = 8, WORK = 400 };

struct stage {
    weft_chan *in, *out;
    weft_waitgroup *done;
};

static void generate(void *arg)
{
    struct stage *s = arg;
    long count = *(long *)s->done; /* smuggled in: see main */
    for (long i = 0; i < count; i++)
        weft_chan_send(s->out, &i);
    weft_chan_close(s->out);
}

/* Stands for real work per item: a few hundred dependent multiplies. */
static long heavy_square(long x)
{
    unsigned long h = (unsigned long)x;
    for (int i = 0; i < WORK; i++)
        h = h * 6364136223846793005ul + 1442695040888963407ul;
    return x * x + (long)(h & 1);
}

static void square(void *arg)
{
    struct stage *s = arg;
    long x;
    while (weft_chan_recv_ok(s->in, &x)) {
        long y = heavy_square(x);
        weft_chan_send(s->out, &y);
    }
    weft_waitgroup_done(s->done);
}

static void close_when_done(void *arg)
{
    struct stage *s = arg;
    weft_waitgroup_wait(s->done);
    weft_chan_close(s->out);
}

int main(int argc, char **argv)
{
    long count = bench_count(argc, argv, 200000);
    weft_chan *numbers = weft_chan_make(sizeof(long), 64);
    weft_chan *squares = weft_chan_make(sizeof(long), 64);
    weft_waitgroup workers = {0};
    struct stage gen = {NULL, numbers, (weft_waitgroup *)&count};
    struct stage sq = {numbers, squares, &workers};
    double start = bench_now_ns();
    weft_go(generate, &gen);
    weft_waitgroup_add(&workers, WORKERS);
    for (int i = 0; i < WORKERS; i++)
        weft_go(square, &sq);
    weft_go(close_when_done, &sq);
    long sum = 0, y;
    while (weft_chan_recv_ok(squares, &y))
        sum += y;
    double elapsed = bench_now_ns() - start;
    if (sum == 0)
        return 1; /* keeps the work */
    bench_report(elapsed / (double)count);
    return 0;
}
