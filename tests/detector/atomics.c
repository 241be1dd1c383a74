/* C11 atomics (rule 11): each memory order, release sequences, fences, and
 * atomics against plain accesses. */
#include <stdatomic.h>

#include "race_test.h"

static int data;
static atomic_int flag;
static weft_waitgroup done;

enum publish { RELEASE, RELAXED, SEQ_CST, RELEASE_THEN_RMW, FENCES, NO_FENCE };
static enum publish how;

static void publisher(void *arg)
{
    (void)arg;
    data = 42;
    switch (how) {
    case RELEASE:
    case RELEASE_THEN_RMW:
        atomic_store_explicit(&flag, 1, memory_order_release);
        break;
    case RELAXED:
        atomic_store_explicit(&flag, 1, memory_order_relaxed);
        break;
    case SEQ_CST:
        atomic_store(&flag, 1);
        break;
    case FENCES:
    case NO_FENCE:
        atomic_thread_fence(memory_order_release);
        atomic_store_explicit(&flag, 1, memory_order_relaxed);
        break;
    }
    weft_waitgroup_done(&done);
}

static void bumper(void *arg)
{
    (void)arg;
    while (atomic_load_explicit(&flag, memory_order_relaxed) == 0)
        weft_yield();
    atomic_fetch_add_explicit(&flag, 1, memory_order_relaxed);
    weft_waitgroup_done(&done);
}

static void consume(void *arg)
{
    (void)arg;
    data = 0;
    atomic_store(&flag, 0);
    int expected = how == RELEASE_THEN_RMW ? 2 : 1;
    memory_order order = how == RELAXED || how >= FENCES ? memory_order_relaxed
                         : how == SEQ_CST                ? memory_order_seq_cst
                                                         : memory_order_acquire;
    weft_waitgroup_add(&done, how == RELEASE_THEN_RMW ? 2 : 1);
    weft_go(publisher, NULL);
    if (how == RELEASE_THEN_RMW)
        weft_go(bumper, NULL);
    while (atomic_load_explicit(&flag, order) != expected)
        weft_yield();
    if (how == FENCES)
        atomic_thread_fence(memory_order_acquire);
    int seen = data;
    (void)seen;
    weft_waitgroup_wait(&done);
}

#define SCENARIO(name, mode)                                                   \
    static void name(void *arg)                                                \
    {                                                                          \
        how = mode;                                                            \
        consume(arg);                                                          \
    }
SCENARIO(release_acquire, RELEASE)
SCENARIO(relaxed, RELAXED)
SCENARIO(seq_cst, SEQ_CST)
SCENARIO(release_sequence, RELEASE_THEN_RMW)
SCENARIO(fences, FENCES)
SCENARIO(release_fence_only, NO_FENCE)

Test(atomics, release_store_orders_acquire_load)
{
    expect_no_race(release_acquire);
}

Test(atomics, relaxed_orders_nothing)
{
    expect_race_always(relaxed);
}

Test(atomics, seq_cst_orders)
{
    expect_no_race(seq_cst);
}

Test(atomics, release_sequence_continues_through_rmw)
{
    expect_no_race(release_sequence);
}

Test(atomics, release_and_acquire_fences_order_relaxed_atomics)
{
    expect_no_race(fences);
}

Test(atomics, release_fence_without_acquire_fence_orders_nothing)
{
    expect_race_always(release_fence_only);
}

/* ---- atomics against atomics and plain accesses ---- */

static atomic_long counter;
static long plain_counter;

static void relaxed_increments(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    weft_waitgroup_done(&done);
}

static void plain_read_of_atomic(void *arg)
{
    (void)arg;
    long seen = *(volatile long *)&counter;
    (void)seen;
    weft_waitgroup_done(&done);
}

static atomic_int lock;

/* a spin lock: a CAS acquires it, a release store frees it */
static void cas_increments(void *arg)
{
    (void)arg;
    int unlocked = 0;
    while (!atomic_compare_exchange_weak_explicit(
        &lock, &unlocked, 1, memory_order_acquire, memory_order_relaxed)) {
        unlocked = 0;
        weft_yield();
    }
    plain_counter++;
    atomic_store_explicit(&lock, 0, memory_order_release);
    weft_waitgroup_done(&done);
}

static void two(weft_fn a, weft_fn b)
{
    weft_waitgroup_add(&done, 2);
    weft_go(a, NULL);
    weft_go(b, NULL);
    weft_waitgroup_wait(&done);
}

static void relaxed_atomics(void *arg)
{
    (void)arg;
    two(relaxed_increments, relaxed_increments);
}

static void atomic_and_plain(void *arg)
{
    (void)arg;
    two(relaxed_increments, plain_read_of_atomic);
}

static void cas_and_plain(void *arg)
{
    (void)arg;
    two(cas_increments, cas_increments);
}

Test(atomics, relaxed_atomics_do_not_race_with_each_other)
{
    expect_no_race(relaxed_atomics);
}

Test(atomics, a_plain_access_races_with_an_atomic)
{
    expect_race_always(atomic_and_plain);
}

Test(atomics, cas_spin_lock_orders_its_critical_sections)
{
    expect_no_race(cas_and_plain);
}
