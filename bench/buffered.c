/* buffered: ns per item from a producer to a consumer over a channel of
 * capacity 128. */
#include "bench.h"

#include <weft.h>

struct stream {
    weft_chan *items;
    long count;
};

static void produce(void *arg)
{
    struct stream *s = arg;
    for (long i = 0; i < s->count; i++)
        weft_chan_send(s->items, &i);
}

int main(int argc, char **argv)
{
    struct stream s = {weft_chan_make(sizeof(long), 128),
                       bench_count(argc, argv, 5000000)};

    weft_go(produce, &s);
    double start = bench_now_ns();
    for (long i = 0; i < s.count; i++) {
        long value;
        weft_chan_recv(s.items, &value);
    }
    double elapsed = bench_now_ns() - start;
    bench_report(elapsed / (double)s.count);
    return 0;
}
