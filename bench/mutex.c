/* mutex: ns per increment, four goroutines each locking a weft_mutex,
 * incrementing a shared counter and unlocking, n times. As with Go at
 * GOMAXPROCS=1, the loops rarely contend: goroutines switch only when they
 * block. */
#include "bench.h"

#include <weft.h>

enum { WORKERS = 4 };

struct shared {
    weft_mutex mutex;
    weft_waitgroup done;
    long count;
    volatile long counter; /* volatile: keep every increment */
};

static void increment(void *arg)
{
    struct shared *s = arg;
    for (long i = 0; i < s->count; i++) {
        weft_mutex_lock(&s->mutex);
        s->counter++;
        weft_mutex_unlock(&s->mutex);
    }
    weft_waitgroup_done(&s->done);
}

int main(int argc, char **argv)
{
    static struct shared s;
    s.count = bench_count(argc, argv, 5000000);

    double start = bench_now_ns();
    weft_waitgroup_add(&s.done, WORKERS);
    for (int w = 0; w < WORKERS; w++)
        weft_go(increment, &s);
    weft_waitgroup_wait(&s.done);
    double elapsed = bench_now_ns() - start;
    if (s.counter != WORKERS * s.count) {
        fprintf(stderr, "mutex: lost increments\n");
        return 1;
    }
    bench_report(elapsed / (double)(WORKERS * s.count));
    return 0;
}
