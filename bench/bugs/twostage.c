/*
 * twostage_N (SCTBench's CS/twostage_N_bad; Thomson, Donaldson and Betts,
 * TOPC 2016): N-1 goroutines each publish data1 = 1 under one lock, then
 * data2 = data1 + 1 under another; one reader, once it sees data1 set,
 * reads data2 and asserts it is data1 + 1. It fails only when the reader
 * runs between some writer's two stages.
 */
#include "bugs.h"

static weft_mutex lock1, lock2;
static int data1, data2;

static void publish(void *arg)
{
    (void)arg;
    weft_mutex_lock(&lock1);
    data1 = 1;
    weft_mutex_unlock(&lock1);
    weft_mutex_lock(&lock2);
    data2 = data1 + 1;
    weft_mutex_unlock(&lock2);
}

static void read_both(void *arg)
{
    (void)arg;
    weft_mutex_lock(&lock1);
    if (data1 == 0) {
        weft_mutex_unlock(&lock1);
        return;
    }
    int first = data1;
    weft_mutex_unlock(&lock1);
    weft_mutex_lock(&lock2);
    int second = data2;
    weft_mutex_unlock(&lock2);
    weft_assert(second == first + 1, "data2 = %d after data1 = %d", second,
                first);
}

static void twostage(int n)
{
    go_many_then_one_and_wait(publish, read_both, n);
}

BUG(twostage_3) { twostage(3); }
BUG(twostage_5) { twostage(5); }
BUG(twostage_10) { twostage(10); }
BUG(twostage_20) { twostage(20); }
BUG(twostage_50) { twostage(50); }
