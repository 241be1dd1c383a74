/* switch: ns per goroutine switch, main and a partner each calling
 * weft_yield() in a loop (peer: Boost.Context fibers resuming each other). */
#include "bench.h"

#include <weft.h>

static void yield_forever(void *arg)
{
    (void)arg;
    for (;;)
        weft_yield();
}

int main(int argc, char **argv)
{
    long rounds = bench_count(argc, argv, 10000000);

    weft_go(yield_forever, NULL);
    weft_yield(); /* warm up: the partner starts and yields back */
    double start = bench_now_ns();
    for (long i = 0; i < rounds; i++)
        weft_yield(); /* main → partner → main: two switches */
    double elapsed = bench_now_ns() - start;
    bench_report(elapsed / (2.0 * (double)rounds));
    return 0;
}
