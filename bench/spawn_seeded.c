/* spawn_seeded: ns per goroutine when n goroutines are runnable at once:
 * each parks on one channel, a close releases them all, and each then takes
 * a mutex and says done. bench/run runs it under WEFT_OPTIONS=seed=1 (a
 * strategy choosing among up to n goroutines at every step) against the
 * same program in production mode (FIFO): a choice must cost O(log n), not
 * O(n), for the two to stay within a small factor. */
#include "bench.h"

#include <weft.h>

static weft_chan *release;
static weft_mutex count_lock;
static weft_waitgroup done;
static long counted;

static void count_once_released(void *arg)
{
    (void)arg;
    weft_chan_recv(release, NULL);
    weft_mutex_lock(&count_lock);
    counted++;
    weft_mutex_unlock(&count_lock);
    weft_waitgroup_done(&done);
}

int main(int argc, char **argv)
{
    long count = bench_count(argc, argv, 100000);
    release = weft_chan_make(0, 0);
    double start = bench_now_ns();
    weft_waitgroup_add(&done, count);
    for (long i = 0; i < count; i++)
        weft_go(count_once_released, NULL);
    weft_chan_close(release);
    weft_waitgroup_wait(&done);
    double elapsed = bench_now_ns() - start;
    if (counted != count) {
        fprintf(stderr, "spawn_seeded: counted %ld of %ld\n", counted, count);
        return 1;
    }
    bench_report(elapsed / (double)count);
    return 0;
}
