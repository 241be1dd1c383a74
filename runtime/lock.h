/*
 * The locks of production mode (parallel.h): a futex word each, 0 free, 1
 * locked, 2 locked with sleepers. Any thread may release a lock another
 * took: a parked goroutine's lock is released by whatever runs next on its
 * worker (after_resume), once its registers are saved.
 *
 * A weft object (channel, mutex, rwmutex, waitgroup, once) has a word of
 * its own; OBJECT_LOCK and OBJECT_UNLOCK take it only in parallel mode, so
 * one-thread runs pay a test and nothing else.
 */
#ifndef WEFT_RUNTIME_LOCK_H
#define WEFT_RUNTIME_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"

struct timespec;

void lock_word_acquire(uint32_t *word);
void lock_word_release(uint32_t *word);
/* The futex call on a process-private word (also the workers' sleeps,
 * parallel.c): op is FUTEX_WAIT, FUTEX_WAIT_BITSET (timeout absolute) or
 * FUTEX_WAKE. */
long lock_futex(void *word, int op, uint32_t value,
                const struct timespec *timeout);

/* Tells valgrind's race checkers that what was written before this call on
 * one thread is seen by the thread that calls lock_handed_over on the same
 * object: for what the run queues and futex words pass without a lock. A
 * test natively (lock_annotating is set under valgrind alone). */
extern bool lock_annotating;
void lock_annotate_hand_over(const void *object);
void lock_annotate_handed_over(const void *object);
static inline void lock_hand_over(const void *object)
{
    if (unlikely(lock_annotating))
        lock_annotate_hand_over(object);
}
static inline void lock_handed_over(const void *object)
{
    if (unlikely(lock_annotating))
        lock_annotate_handed_over(object);
}
/* A word read without its lock as a hint (a count checked again under the
 * lock), or only with atomics: valgrind's checkers are told not to report
 * it. */
void lock_hint_word(const void *word, unsigned size);
/* helgrind's part of it (lock_helgrind.c). */
void lock_helgrind_unchecked(const void *word, unsigned size);
/* Sets lock_annotating when running under valgrind. */
void lock_annotations_start(void);

/* One step of a spin-wait: tells the CPU (and a sibling hyperthread). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

#define OBJECT_LOCK(word)                                                      \
    do {                                                                       \
        if (unlikely(rt.parallel))                                             \
            lock_word_acquire(word);                                           \
    } while (0)
#define OBJECT_UNLOCK(word)                                                    \
    do {                                                                       \
        if (unlikely(rt.parallel))                                             \
            lock_word_release(word);                                           \
    } while (0)

#endif
