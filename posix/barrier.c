/*
 * pthread barriers: a count, a generation and a weft mutex and cond. The
 * last thread to arrive starts the next generation and wakes the others;
 * it gets PTHREAD_BARRIER_SERIAL_THREAD.
 * Happens-before: every arrival HB every return of the same generation
 * (each arrival unlocks the mutex the last one then locks; the last
 * one's unlock comes before each waiter relocks it).
 */
#include <errno.h>
#include <pthread.h>

#include "posix.h"

struct posix_barrier {
    weft_mutex lock;
    weft_cond all_arrived;
    unsigned count, arrived;
    uint64_t generation;
};

int pthread_barrier_init(pthread_barrier_t *barrier,
                         const pthread_barrierattr_t *attr, unsigned count)
{
    if (!posix_active())
        return REAL(pthread_barrier_init)(barrier, attr, count);
    if (count == 0)
        return EINVAL;
    *barrier = (pthread_barrier_t){0};
    struct posix_barrier *b = posix_state_new(barrier, sizeof *b);
    b->count = count;
    weft_cond_init(&b->all_arrived, &b->lock);
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *barrier)
{
    if (!posix_active())
        return REAL(pthread_barrier_destroy)(barrier);
    struct posix_barrier *b =
        posix_state(barrier, sizeof(struct posix_barrier), __func__);
    if (b->arrived)
        return EBUSY;
    posix_state_free(barrier);
    return 0;
}

int pthread_barrier_wait(pthread_barrier_t *barrier)
{
    if (!posix_active())
        return REAL(pthread_barrier_wait)(barrier);
    struct posix_barrier *b =
        posix_state(barrier, sizeof(struct posix_barrier), __func__);
    if (b->count == 0)
        weft_panic("pthread_barrier_wait: a barrier not initialised");
    weft_mutex_lock(&b->lock);
    uint64_t generation = b->generation;
    if (++b->arrived == b->count) {
        b->arrived = 0;
        b->generation++;
        weft_cond_broadcast(&b->all_arrived);
        weft_mutex_unlock(&b->lock);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    while (generation == b->generation)
        weft_cond_wait(&b->all_arrived);
    weft_mutex_unlock(&b->lock);
    return 0;
}
