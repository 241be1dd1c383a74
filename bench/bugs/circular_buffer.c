/*
 * A circular buffer (SCTBench's CS/circular_buffer_bad; Thomson,
 * Donaldson and Betts, TOPC 2016): a producer and a consumer share a ring
 * of slots and a count of the full ones, kept under a mutex with two
 * conditions. The producer counts a slot full before it has written it,
 * so a consumer that comes in between reads a stale value.
 */
#include "bugs.h"

enum { SLOTS = 3, VALUES = 6 };

static struct cell slots[SLOTS];
static weft_mutex lock;
static weft_cond not_full, not_empty;
static int count;

static void produce(void *arg)
{
    (void)arg;
    for (int v = 1, next = 0; v <= VALUES; v++, next = (next + 1) % SLOTS) {
        weft_mutex_lock(&lock);
        while (count == SLOTS)
            weft_cond_wait(&not_full);
        count++;
        weft_cond_signal(&not_empty);
        weft_mutex_unlock(&lock);
        cell_store(&slots[next], v); /* the bug: after it was counted */
    }
}

static void consume(void *arg)
{
    (void)arg;
    for (int want = 1, first = 0; want <= VALUES;
         want++, first = (first + 1) % SLOTS) {
        weft_mutex_lock(&lock);
        while (count == 0)
            weft_cond_wait(&not_empty);
        weft_mutex_unlock(&lock);
        int got = cell_load(&slots[first]);
        weft_assert(got == want, "read %d, want %d", got, want);
        weft_mutex_lock(&lock);
        count--;
        weft_cond_signal(&not_full);
        weft_mutex_unlock(&lock);
    }
}

BUG(circular_buffer)
{
    weft_cond_init(&not_full, &lock);
    weft_cond_init(&not_empty, &lock);
    struct task tasks[] = {{produce, NULL}, {consume, NULL}};
    go_all_and_wait(tasks, 2);
}
