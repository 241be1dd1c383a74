/*
 * The bug benchmark set: small programs, each with one concurrency bug
 * that needs the right interleaving to show, written in weft's API from a
 * published description (each file names its origin). bench/bug_search.c
 * runs every strategy over them; linked with weft_main, they are also
 * ordinary weft tests (`weft test build/bench/bench_bug_set reorder_20`).
 *
 * Shared variables are cells: every load and store is its own locked
 * section, so each access is a scheduling point (as in the SCTBench
 * programs, whose tools schedule every shared access) and no access
 * races: the bug is an assertion, a deadlock or a leak, which only some
 * interleavings show, not a data race, which the detector would report
 * in any of them.
 */
#ifndef WEFT_BENCH_BUGS_H
#define WEFT_BENCH_BUGS_H

#include <stdbool.h>
#include <weft.h>

struct bug_program {
    const char *name;
    void (*body)(void);
};

/* Adds a program to the set (from BUG's constructor). */
void bug_register(const char *name, void (*body)(void));
/* The set, sorted by name (numbers in names by value); *count set. */
const struct bug_program *bug_programs(size_t *count);

/* BUG(name) { ... }: a program of the set and a weft test of that name. */
#define BUG(name)                                                              \
    static void bug_body_##name(void);                                         \
    WEFT_TEST(name)                                                            \
    {                                                                          \
        bug_body_##name();                                                     \
    }                                                                          \
    __attribute__((constructor)) static void bug_register_##name(void)         \
    {                                                                          \
        bug_register(#name, bug_body_##name);                                  \
    }                                                                          \
    static void bug_body_##name(void)

struct cell {
    weft_mutex lock;
    int value;
};

static inline int cell_load(struct cell *c)
{
    weft_mutex_lock(&c->lock);
    int value = c->value;
    weft_mutex_unlock(&c->lock);
    return value;
}

static inline void cell_store(struct cell *c, int value)
{
    weft_mutex_lock(&c->lock);
    c->value = value;
    weft_mutex_unlock(&c->lock);
}

/* One goroutine's work. */
struct task {
    void (*fn)(void *);
    void *arg;
};

/* Runs each task in a goroutine of its own, started in order, and waits
 * for them all. */
void go_all_and_wait(struct task *tasks, int count);
/* n-1 goroutines running many, then one running last, and waits for all:
 * the shape of SCTBench's families (reorder_N, twostage_N). */
void go_many_then_one_and_wait(void (*many)(void *), void (*last)(void *),
                               int n);

#endif
