/* dfs_states: distinct schedules dfs runs for 3 goroutines x 4 locked
 * increments on separate mutexes, with the sleep-set reduction
 * (argv[1] = "reduced") or without ("full"), exhaustively at bound 3. */
#include "bench.h"

#include <string.h>
#include <weft.h>

static weft_mutex mutexes[3];
static int counters[3];
static weft_waitgroup done;

static void increment_four_times(void *arg)
{
    int i = (int)(long)arg;
    for (int k = 0; k < 4; k++) {
        weft_mutex_lock(&mutexes[i]);
        counters[i]++;
        weft_mutex_unlock(&mutexes[i]);
    }
    weft_waitgroup_done(&done);
}

static void three_incrementers(void)
{
    weft_waitgroup_add(&done, 3);
    for (long i = 0; i < 3; i++)
        weft_go(increment_four_times, (void *)i);
    weft_waitgroup_wait(&done);
}

int main(int argc, char **argv)
{
    bool full = argc > 1 && strcmp(argv[1], "full") == 0;
    FILE *quiet = fopen("/dev/null", "w");
    struct weft_explore_options options = {
        .strategy = full ? "dfs:3:full" : "dfs:3",
        .iterations = 10000000,
        .report_file = quiet,
    };
    struct weft_verdict v = weft_explore(three_incrementers, &options);
    if (v.kind != WEFT_PASS || !v.exhausted) {
        fprintf(stderr, "dfs_states: not exhausted\n");
        return 1;
    }
    bench_report((double)v.distinct_schedules);
    return 0;
}
