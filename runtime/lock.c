/*
 * Futex locks (lock.h). Spin a little first: the critical sections are a
 * few dozen instructions, and a holder is usually running on another CPU.
 */
#define _GNU_SOURCE
#include "lock.h"

#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { LOCK_SPINS = 100 };

#ifdef WEFT_HAVE_VALGRIND
/* valgrind's race checkers see each futex word as the lock it is (drd's
 * client requests, which helgrind understands as well; natively a few
 * no-op instructions), so weft's own state is checked under them. */
#include <valgrind/drd.h>
#include <valgrind/valgrind.h>
#define LOCK_ACQUIRED(word) ANNOTATE_RWLOCK_ACQUIRED(word, 1)
#define LOCK_RELEASING(word) ANNOTATE_RWLOCK_RELEASED(word, 1)
#else
#define LOCK_ACQUIRED(word) ((void)(word))
#define LOCK_RELEASING(word) ((void)(word))
#define ANNOTATE_HAPPENS_BEFORE(object) ((void)(object))
#define ANNOTATE_HAPPENS_AFTER(object) ((void)(object))
#define ANNOTATE_BENIGN_RACE_SIZED(word, size, why) ((void)(word), (void)(size))
#endif

long lock_futex(void *word, int op, uint32_t value,
                const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, value, timeout,
                   NULL, FUTEX_BITSET_MATCH_ANY);
}

static bool try_acquire(uint32_t *word)
{
    uint32_t expected = 0;
    return __atomic_compare_exchange_n(word, &expected, 1, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void acquire_slow(uint32_t *word)
{
    for (int i = 0; i < LOCK_SPINS; i++) {
        cpu_relax();
        if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0 && try_acquire(word))
            return;
    }
    while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE))
        lock_futex(word, FUTEX_WAIT, 2, NULL);
}

void lock_word_acquire(uint32_t *word)
{
    if (unlikely(!try_acquire(word)))
        acquire_slow(word);
    LOCK_ACQUIRED(word);
}

void lock_word_release(uint32_t *word)
{
    LOCK_RELEASING(word);
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2)
        lock_futex(word, FUTEX_WAKE, 1, NULL);
}

bool lock_annotating;

void lock_annotations_start(void)
{
#ifdef WEFT_HAVE_VALGRIND
    lock_annotating = RUNNING_ON_VALGRIND;
#endif
}

void lock_annotate_hand_over(const void *object)
{
    ANNOTATE_HAPPENS_BEFORE(object);
}

void lock_annotate_handed_over(const void *object)
{
    ANNOTATE_HAPPENS_AFTER(object);
}

void lock_hint_word(const void *word, unsigned size)
{
    ANNOTATE_BENIGN_RACE_SIZED(word, size, "a hint, or atomics only");
    lock_helgrind_unchecked(word, size);
}
