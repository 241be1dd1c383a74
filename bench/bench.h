/*
 * Shared helpers of the weft benchmarks: each program times one workload
 * with CLOCK_MONOTONIC and prints one number, ns per operation (spawn_rss:
 * bytes per goroutine), on one line. argv[1] overrides the iteration count.
 */
#ifndef WEFT_BENCH_H
#define WEFT_BENCH_H

/* Include first: clock_gettime needs POSIX under -std=c11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The iteration count: argv[1] if given, else default_count. */
static inline long bench_count(int argc, char **argv, long default_count)
{
    if (argc < 2)
        return default_count;
    char *end;
    long count = strtol(argv[1], &end, 10);
    if (*end != '\0' || count <= 0) {
        fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[1]);
        exit(2);
    }
    return count;
}

static inline void bench_report(double value)
{
    printf("%.2f\n", value);
}

#endif /* WEFT_BENCH_H */
