/* sched_rate: ns per explored schedule of a tiny test (2 goroutines, 10
 * operations each) under the random strategy, one worker, in the schedule
 * server (the default isolation), or with "fork" after the count, a fork
 * per schedule; a number after that is the workers (-j). bench/run
 * compares it with the target of 20,000 schedules/s (50,000 ns), with
 * fork's figure, and one worker's with two (sched_rate_j2); built
 * -fsanitize=thread it is sched_rate_race. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#include <weft.h>

static weft_mutex mutex;
static weft_waitgroup done;

static void five_locked_sections(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        weft_mutex_lock(&mutex);
        weft_mutex_unlock(&mutex);
    }
    weft_waitgroup_done(&done);
}

static void tiny(void)
{
    weft_waitgroup_add(&done, 2);
    weft_go(five_locked_sections, NULL);
    weft_go(five_locked_sections, NULL);
    weft_waitgroup_wait(&done);
}

int main(int argc, char **argv)
{
    long schedules = bench_count(argc, argv, 2000);
    FILE *quiet = fopen("/dev/null", "w");
    struct weft_explore_options options = {.strategy = "random",
                                           .iterations = (uint64_t)schedules,
                                           .report_file = quiet};
    if (argc > 2 && strcmp(argv[2], "fork") == 0)
        options.isolation = WEFT_ISOLATION_FORK;
    if (argc > 3)
        options.jobs = (unsigned)atoi(argv[3]);
    double start = bench_now_ns();
    struct weft_verdict v = weft_explore(tiny, &options);
    double elapsed = bench_now_ns() - start;
    if (v.kind != WEFT_PASS) {
        fprintf(stderr, "sched_rate: the tiny test failed\n");
        return 1;
    }
    bench_report(elapsed / (double)v.schedules);
    return 0;
}
