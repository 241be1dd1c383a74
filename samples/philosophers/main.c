/*
 * Dining philosophers: five philosophers around a table, a fork between
 * each two. Each one eats a few times, with both neighbouring forks.
 *
 * Taking the left fork first deadlocks when all five hold their left fork
 * at once: each waits for its right neighbour's. That needs an unlucky
 * schedule, but the lock order already shows it: fork i is taken while
 * fork i-1 is held, all around the table, a cycle. weft reports the cycle
 * in the first schedule, then confirms it by steering a schedule into the
 * deadlock, with decisions that replay it.
 *
 * The fix (Dijkstra's): every philosopher takes the lower-numbered fork
 * first. The last one then reaches for fork 0 before fork 4, the cycle is
 * broken, and no schedule can deadlock.
 *
 *     weft test ./philosophers            reports, confirms, replays
 */
#include <weft.h>

enum { PHILOSOPHERS = 5, MEALS = 2 };

struct table {
    weft_mutex forks[PHILOSOPHERS];
    int meals_eaten;
    weft_mutex count_lock;
    weft_waitgroup done;
};

struct philosopher {
    struct table *table;
    int seat;
    bool lower_fork_first;
};

static void eat(struct philosopher *p)
{
    weft_mutex_lock(&p->table->count_lock);
    p->table->meals_eaten++;
    weft_mutex_unlock(&p->table->count_lock);
}

static void dine(void *arg)
{
    struct philosopher *p = arg;
    int left = p->seat, right = (p->seat + 1) % PHILOSOPHERS;
    int first = left, second = right;
    if (p->lower_fork_first && second < first) {
        first = right;
        second = left;
    }
    for (int meal = 0; meal < MEALS; meal++) {
        weft_mutex_lock(&p->table->forks[first]);
        weft_mutex_lock(&p->table->forks[second]);
        eat(p);
        weft_mutex_unlock(&p->table->forks[second]);
        weft_mutex_unlock(&p->table->forks[first]);
        weft_yield(); /* think */
    }
    weft_waitgroup_done(&p->table->done);
}

static void dinner(bool lower_fork_first)
{
    static struct table table;
    static struct philosopher philosophers[PHILOSOPHERS];
    table = (struct table){0};
    weft_waitgroup_add(&table.done, PHILOSOPHERS);
    for (int i = 0; i < PHILOSOPHERS; i++) {
        philosophers[i] = (struct philosopher){&table, i, lower_fork_first};
        weft_go(dine, &philosophers[i]);
    }
    weft_waitgroup_wait(&table.done);
    weft_assert(table.meals_eaten == PHILOSOPHERS * MEALS,
                "%d meals eaten", table.meals_eaten);
}

WEFT_TEST(left_fork_first)
{
    dinner(false);
}

WEFT_TEST(lower_fork_first)
{
    dinner(true);
}
