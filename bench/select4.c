/* select4: ns per item received by one consumer selecting over four
 * producers' unbuffered channels, each producer sending n/4 items. */
#include "bench.h"

#include <weft.h>

enum { PRODUCERS = 4 };

struct producer {
    weft_chan *items;
    long count;
};

static void produce(void *arg)
{
    struct producer *p = arg;
    for (long i = 0; i < p->count; i++)
        weft_chan_send(p->items, &i);
}

int main(int argc, char **argv)
{
    long per_producer = bench_count(argc, argv, 1000000) / PRODUCERS;
    struct producer producers[PRODUCERS];
    long value;
    struct weft_case cases[PRODUCERS];

    for (int p = 0; p < PRODUCERS; p++) {
        producers[p] =
            (struct producer){weft_chan_make(sizeof(long), 0), per_producer};
        cases[p] = WEFT_RECV_CASE(producers[p].items, &value);
        weft_go(produce, &producers[p]);
    }
    long total = PRODUCERS * per_producer;
    double start = bench_now_ns();
    for (long i = 0; i < total; i++)
        weft_select(cases, PRODUCERS);
    double elapsed = bench_now_ns() - start;
    bench_report(elapsed / (double)total);
    return 0;
}
