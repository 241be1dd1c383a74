/*
 * The race detector's memory-heavy loop, run by weft (race_turns.c: two
 * goroutines, a channel) and by TSan (peers/race_turns_pthread.c: two
 * pthreads, semaphores), so both check exactly the same accesses:
 * RACE_PASSES passes over an array of RACE_LOOP_INTS ints, each summing the
 * array then rewriting it (2M plain 4-byte accesses a pass), the passes
 * alternating between the two threads of control. Each pass runs in a new
 * epoch of its side, after the other side's writes, so every access needs a
 * real check.
 *
 * A program prints one line: ns per access, then its peak RSS in bytes.
 * argv[1] overrides the number of passes (bench/run gives the plain builds
 * more, as their runs are short and so noisy).
 */
#ifndef WEFT_BENCH_RACE_LOOP_H
#define WEFT_BENCH_RACE_LOOP_H

#include "race_report.h"

enum { RACE_LOOP_INTS = 1 << 20, RACE_PASSES = 50 };

static _Alignas(64) int race_loop_data[RACE_LOOP_INTS]; /* as race_tree.h */
static volatile long race_loop_sink; /* keeps every sum */

/* Untimed: first touches of the array (and its shadow) happen here. */
static inline void race_fill(void)
{
    for (long i = 0; i < RACE_LOOP_INTS; i++)
        race_loop_data[i] = (int)i;
}

/* One pass: reads every int, then writes every int. noinline: both
 * programs compile the same function the same way. */
__attribute__((noinline)) static void race_pass(long pass)
{
    long sum = 0;
    for (long i = 0; i < RACE_LOOP_INTS; i++)
        sum += race_loop_data[i];
    for (long i = 0; i < RACE_LOOP_INTS; i++)
        race_loop_data[i] = (int)((sum ^ i) + pass);
    race_loop_sink = sum;
}

static inline void race_report(double elapsed_ns, long passes)
{
    race_report_operations(elapsed_ns, (double)passes * 2 * RACE_LOOP_INTS);
}

#endif /* WEFT_BENCH_RACE_LOOP_H */
