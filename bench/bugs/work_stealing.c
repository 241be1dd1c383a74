/*
 * A work-stealing queue (SCTBench's CHESS/WorkStealQueue, after the
 * deque of Chase and Lev, SPAA 2005): the owner pushes and pops at the
 * tail, a thief steals at the head. This one has the classic bug: the
 * owner's pop of the last item and a thief's steal do not agree on it
 * (no compare-and-swap on head), so both take it.
 */
#include "bugs.h"

enum { ITEMS = 4 };

static struct cell head, tail, items[ITEMS], taken[ITEMS];

static void take(int item)
{
    int times = cell_load(&taken[item]) + 1;
    cell_store(&taken[item], times);
    weft_assert(times == 1, "item %d taken %d times", item, times);
}

static void owner(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        cell_store(&items[i], i);
        cell_store(&tail, i + 1);
    }
    for (;;) { /* pop */
        int t = cell_load(&tail) - 1;
        cell_store(&tail, t);
        int h = cell_load(&head);
        if (t < h) {
            cell_store(&tail, h);
            return;
        }
        take(cell_load(&items[t])); /* the bug: t == h needs a CAS on head */
    }
}

static void thief(void *arg)
{
    (void)arg;
    for (;;) { /* steal */
        int h = cell_load(&head);
        int t = cell_load(&tail);
        if (h >= t)
            return;
        int item = cell_load(&items[h]);
        cell_store(&head, h + 1);
        take(item);
    }
}

BUG(work_stealing)
{
    struct task tasks[] = {{owner, NULL}, {thief, NULL}};
    go_all_and_wait(tasks, 2);
}
