/* spawn_rss: peak RSS per parked goroutine, n goroutines blocked receiving
 * on one shared channel; prints bytes per goroutine. */
#include "bench.h"

#include <sys/resource.h>
#include <weft.h>

struct shared {
    weft_chan *release;
    weft_waitgroup parked, exited;
};

static double max_rss_bytes(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_maxrss * 1024; /* kilobytes on Linux */
}

static void park(void *arg)
{
    struct shared *s = arg;
    weft_waitgroup_done(&s->parked);
    weft_chan_recv(s->release, NULL);
    weft_waitgroup_done(&s->exited);
}

int main(int argc, char **argv)
{
    long count = bench_count(argc, argv, 1000000);
    struct shared s = {.release = weft_chan_make(sizeof(int), 0)};

    double baseline = max_rss_bytes();
    weft_waitgroup_add(&s.parked, count);
    weft_waitgroup_add(&s.exited, count);
    for (long i = 0; i < count; i++)
        weft_go(park, &s);
    weft_waitgroup_wait(&s.parked);
    weft_yield(); /* let the last goroutine park too */
    double peak = max_rss_bytes();
    weft_chan_close(s.release);
    weft_waitgroup_wait(&s.exited);
    bench_report((peak - baseline) / (double)count);
    return 0;
}
