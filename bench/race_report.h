/* The line a race workload prints (race_loop.h, race_tree.h): ns per
 * operation (an access, a lookup), then the peak RSS in bytes. */
#ifndef WEFT_BENCH_RACE_REPORT_H
#define WEFT_BENCH_RACE_REPORT_H

#include <stdio.h>
#include <sys/resource.h>

static inline void race_report_operations(double elapsed_ns, double operations)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("%.3f %ld\n", elapsed_ns / operations,
           usage.ru_maxrss * 1024L); /* kilobytes on Linux */
}

#endif /* WEFT_BENCH_RACE_REPORT_H */
