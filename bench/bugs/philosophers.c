/*
 * Dining philosophers (Dijkstra), eight of them, each taking the fork on
 * the left, then the one on the right: a lock-order cycle, which deadlocks
 * only when every philosopher holds a left fork at once. Searched with the
 * lock-order check off (bug_search.c), which would report the cycle in
 * the first schedule: the search has to reach the deadlock itself.
 */
#include "bugs.h"

enum { PHILOSOPHERS = 8 };

static weft_mutex forks[PHILOSOPHERS];

static void dine(void *arg)
{
    int i = (int)(long)arg;
    weft_mutex_lock(&forks[i]);
    weft_mutex_lock(&forks[(i + 1) % PHILOSOPHERS]);
    weft_mutex_unlock(&forks[(i + 1) % PHILOSOPHERS]);
    weft_mutex_unlock(&forks[i]);
}

BUG(philosophers_8)
{
    struct task tasks[PHILOSOPHERS];
    for (long i = 0; i < PHILOSOPHERS; i++)
        tasks[i] = (struct task){dine, (void *)i};
    go_all_and_wait(tasks, PHILOSOPHERS);
}
