/*
 * Lazy initialisation by double-checked locking, published too early
 * (the bug class of SCTBench's CS/lazy01_bad and of the "double-checked
 * locking is broken" declaration, Bacon et al.): the initialiser sets the
 * ready flag before it fills the value, so a user that sees the flag
 * without taking the lock reads an unfilled value. Four users, the first
 * to find the flag unset initialises.
 */
#include "bugs.h"

enum { USERS = 4 };

static struct cell ready, value;
static weft_mutex init_lock;

static int get_value(void)
{
    if (cell_load(&ready))
        return cell_load(&value);
    weft_mutex_lock(&init_lock);
    if (!cell_load(&ready)) {
        cell_store(&ready, 1); /* the bug: published before it is filled */
        cell_store(&value, 42);
    }
    weft_mutex_unlock(&init_lock);
    return cell_load(&value);
}

static void use(void *arg)
{
    (void)arg;
    int v = get_value();
    weft_assert(v == 42, "read %d before it was initialised", v);
}

BUG(lazy_init)
{
    struct task tasks[USERS];
    for (int i = 0; i < USERS; i++)
        tasks[i] = (struct task){use, NULL};
    go_all_and_wait(tasks, USERS);
}
