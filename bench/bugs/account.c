/*
 * account (SCTBench's CS/account_bad; Thomson, Donaldson and Betts, TOPC
 * 2016): a deposit and a withdrawal each read the balance in one locked
 * section and write it back in another, so one can undo the other; a
 * checker asserts the final balance.
 */
#include "bugs.h"

static struct cell balance;

static void change_by(void *arg)
{
    int amount = *(int *)arg;
    int read = cell_load(&balance);
    cell_store(&balance, read + amount);
}

BUG(account)
{
    cell_store(&balance, 100);
    int deposit = 50, withdrawal = -30;
    struct task tasks[] = {{change_by, &deposit}, {change_by, &withdrawal}};
    go_all_and_wait(tasks, 2);
    int final = cell_load(&balance);
    weft_assert(final == 120, "balance %d, want 120", final);
}
