/*
 * Every __tsan_* entry point gcc 12 and clang 14 emit for C, exercised by
 * two goroutines: plain accesses of 1 to 16 bytes (aligned, unaligned,
 * volatile), ranges, every atomic operation of 8 to 64 bits in each memory
 * order (16-byte atomics go to libatomic, not to __tsan_*), and fences. Built
 * with both compilers at -O0 to -O3 and linked against weft without
 * -fsanitize=thread: a missing entry point fails the link. Exactly one race is
 * planted; the program prints how many the detector found.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <weft.h>

uint64_t detector_races_found(void);
void detector_forget_races(void);

struct __attribute__((packed)) packed {
    char c;
    short s;
    int i;
    long l;
    __int128 q;
};

static _Atomic char a8;
static _Atomic short a16;
static _Atomic int a32;
static _Atomic long a64;
static volatile char v1;
static volatile short v2;
static volatile int v4;
static volatile long v8;
static volatile __int128 v16;
static __int128 q16;
static struct packed packed[2];
static struct {
    char bytes[40];
} big[2];
int planted; /* external: the store cannot be optimised away */
static weft_waitgroup done;

#define ATOMIC_OPS(A, T)                                                       \
    do {                                                                       \
        T e = atomic_load_explicit(&A, memory_order_acquire);                  \
        atomic_store_explicit(&A, e, memory_order_release);                    \
        atomic_load_explicit(&A, memory_order_relaxed);                        \
        atomic_load(&A);                                                       \
        atomic_store_explicit(&A, 1, memory_order_relaxed);                    \
        atomic_exchange_explicit(&A, 2, memory_order_acq_rel);                 \
        atomic_fetch_add(&A, 1);                                               \
        atomic_fetch_sub_explicit(&A, 1, memory_order_release);                \
        atomic_fetch_and_explicit(&A, 3, memory_order_acquire);                \
        atomic_fetch_or_explicit(&A, 4, memory_order_relaxed);                 \
        atomic_fetch_xor(&A, 1);                                               \
        __atomic_fetch_nand((T *)&A, 1, __ATOMIC_SEQ_CST);                     \
        e = 0;                                                                 \
        atomic_compare_exchange_strong(&A, &e, 1);                             \
        atomic_compare_exchange_weak_explicit(&A, &e, 2, memory_order_acq_rel, \
                                              memory_order_acquire);           \
        __sync_val_compare_and_swap((T *)&A, 0, 1);                            \
    } while (0)

static void exercise(void *arg)
{
    int which = (int)(intptr_t)arg;
    ATOMIC_OPS(a8, char);
    ATOMIC_OPS(a16, short);
    ATOMIC_OPS(a32, int);
    ATOMIC_OPS(a64, long);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_seq_cst);
    /* each goroutine its own element: no race */
    packed[which].c++;
    packed[which].s++;
    packed[which].i++;
    packed[which].l++;
    packed[which].q++;
    big[which] = big[1 - which == 0 ? which : which];
    memset(&big[which], which, sizeof big[which]);
    weft_waitgroup_done(&done);
}

/* Volatiles are shared: every goroutine serialises on the mutex. */
static weft_mutex mu;

static void volatiles(void *arg)
{
    (void)arg;
    weft_mutex_lock(&mu);
    v1 = v1 + 1;
    v2 = v2 + 1;
    v4 = v4 + 1;
    v8 = v8 + 1;
    v16 = v16 + 1;
    q16 = q16 + 1;
    weft_mutex_unlock(&mu);
    planted = 1; /* the one race */
    weft_waitgroup_done(&done);
}

int main(void)
{
    weft_waitgroup_add(&done, 4);
    weft_go(exercise, (void *)0);
    weft_go(exercise, (void *)1);
    weft_go(volatiles, NULL);
    weft_go(volatiles, NULL);
    weft_waitgroup_wait(&done);
    printf("races: %llu\n", (unsigned long long)detector_races_found());
    detector_forget_races();
    return 0;
}
