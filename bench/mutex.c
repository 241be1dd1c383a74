/* mutex: ns per increment, four goroutines (argv[2]: as many as given)
 * each locking a weft_mutex, incrementing a shared counter and unlocking,
 * n times. As with Go at GOMAXPROCS=1, on one thread the loops rarely
 * contend: goroutines switch only when they block; mutex_mp runs 4 per
 * worker on every CPU, where they contend all the time. */
#include "bench.h"

#include <weft.h>


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
    long workers = argc > 2 ? strtol(argv[2], NULL, 10) : 4;
    if (workers <= 0) {
        fprintf(stderr, "mutex: bad goroutine count\n");
        return 2;
    }

    double start = bench_now_ns();
    weft_waitgroup_add(&s.done, workers);
    for (long w = 0; w < workers; w++)
        weft_go(increment, &s);
    weft_waitgroup_wait(&s.done);
    double elapsed = bench_now_ns() - start;
    if (s.counter != workers * s.count) {
        fprintf(stderr, "mutex: lost increments\n");
        return 1;
    }
    bench_report(elapsed / (double)(workers * s.count));
    return 0;
}
