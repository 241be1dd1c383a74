/*
 * Mutex in parallel mode (mutex.c dispatches here), as Go's sync.Mutex.
 *
 * The state word (m->locked) holds LOCKED and WAITERS; Lock and Unlock are
 * one compare-and-swap each while uncontended, and take the mutex's guard
 * lock only to queue or wake a waiter. A woken waiter competes with
 * newcomers, as in Go's normal mode: barging keeps a contended mutex moving
 * without a context switch per hand-over. A waiter that loses goes back to
 * the front of the queue, and one that has waited longer than STARVING_NS
 * is handed the mutex instead (Go's starvation mode), so none waits for
 * ever. (One thread keeps mutex.c's FIFO hand-over: schedules stay simple.)
 *
 * Memory ordering: LOCKED is set by a compare-and-swap with acquire and
 * cleared with release. WAITERS is set by a compare-and-swap that sees
 * LOCKED (so the owner's fast unlock fails and takes the guard) and cleared
 * under the guard, which also guards the queue. While LOCKED is set and the
 * guard held, no one else changes the word: the unlocker stores it plainly.
 * valgrind's race checkers, which do not model atomics, are told of each
 * acquisition and release (lock_hand_over) and not to check the word.
 */
#include "mutex.h"

#include "parallel.h"

enum { LOCKED = 1, WAITERS = 2, SPINS = 4, SPIN_PAUSES = 30 };
#define STARVING_NS (1000 * 1000)

struct mutex_waiter {
    struct waiter waiter; /* first: what the queue holds */
    int64_t since;        /* when it first queued */
};

static bool take(uint32_t *state, uint32_t seen)
{
    return __atomic_compare_exchange_n(state, &seen, seen | LOCKED, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static bool try_take(weft_mutex *m)
{
    uint32_t seen = __atomic_load_n(&m->locked, __ATOMIC_RELAXED);
    while (!(seen & LOCKED))
        if (take(&m->locked, seen))
            return true;
        else
            seen = __atomic_load_n(&m->locked, __ATOMIC_RELAXED);
    return false;
}

/* Under the guard: takes the mutex, or marks it waited for. */
static bool take_or_mark(weft_mutex *m)
{
    uint32_t seen = __atomic_load_n(&m->locked, __ATOMIC_RELAXED);
    for (;;) {
        uint32_t want = seen & LOCKED ? seen | WAITERS : seen | LOCKED;
        if (__atomic_compare_exchange_n(&m->locked, &seen, want, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return !(seen & LOCKED);
    }
}

static void acquired(weft_mutex *m)
{
    lock_handed_over(m);
}

static void lock_slow(weft_mutex *m);

void mutex_lock_parallel(weft_mutex *m)
{
    if (unlikely(!take(&m->locked, 0)))
        lock_slow(m);
    acquired(m);
}

bool mutex_trylock_parallel(weft_mutex *m)
{
    if (!try_take(m))
        return false;
    acquired(m);
    return true;
}

static void lock_slow(weft_mutex *m)
{
    lock_hint_word(&m->locked, sizeof m->locked);
    /* its holder is likely running on another worker: a short spin */
    for (int i = 0; i < SPINS; i++) {
        for (int j = 0; j < SPIN_PAUSES; j++)
            cpu_relax();
        if (try_take(m))
            return;
    }
    struct mutex_waiter w = {.waiter = {.g = ws.current},
                             .since = clock_now()};
    for (bool again = false;; again = true) {
        lock_word_acquire(&m->guard);
        if (take_or_mark(m)) {
            lock_word_release(&m->guard);
            return;
        }
        w.waiter.ok = false;
        if (again) /* lost to a newcomer: first in line next time */
            waitq_push_front(&m->waiters, &w.waiter);
        else
            waitq_push(&m->waiters, &w.waiter);
        park_releasing(WAIT_MUTEX, &m->guard);
        if (w.waiter.ok) /* handed over: a starving waiter's */
            return;
    }
}

void mutex_unlock_parallel(weft_mutex *m)
{
    lock_hand_over(m);
    uint32_t seen = LOCKED;
    if (likely(__atomic_compare_exchange_n(&m->locked, &seen, 0, false,
                                           __ATOMIC_RELEASE,
                                           __ATOMIC_RELAXED)))
        return;
    if (!(seen & LOCKED))
        runtime_panic("sync: unlock of unlocked mutex");
    lock_hint_word(&m->locked, sizeof m->locked);
    lock_word_acquire(&m->guard);
    struct mutex_waiter *w = (struct mutex_waiter *)waitq_pop(&m->waiters);
    uint32_t waiters = waitq_empty(&m->waiters) ? 0 : WAITERS;
    /* WAITERS was set: someone queued (it is cleared with the last) */
    bool hand_over = clock_now() - w->since > STARVING_NS;
    w->waiter.ok = hand_over;
    __atomic_store_n(&m->locked, (hand_over ? LOCKED : 0) | waiters,
                     __ATOMIC_RELEASE);
    waiter_wake(&w->waiter);
    lock_word_release(&m->guard);
}
