/*
 * reorder_N (SCTBench's CS/reorder_N_bad, from the benchmarks of Cordeiro
 * and Fischer's ESBMC work; Thomson, Donaldson and Betts, TOPC 2016): N-1
 * goroutines each set a = 1 then b = -1; one checker reads a, then b, and
 * asserts it saw both unset or both set. It fails only when the checker's
 * two reads fall on either side of one setter's first write but not its
 * second: one goroutine among many in a narrow window.
 */
#include "bugs.h"

static struct cell a, b;

static void set(void *arg)
{
    (void)arg;
    cell_store(&a, 1);
    cell_store(&b, -1);
}

static void check(void *arg)
{
    (void)arg;
    int seen_a = cell_load(&a);
    int seen_b = cell_load(&b);
    weft_assert((seen_a == 0 && seen_b == 0) || (seen_a == 1 && seen_b == -1),
                "a = %d, b = %d: a setter was seen half done", seen_a, seen_b);
}

static void reorder(int n)
{
    go_many_then_one_and_wait(set, check, n);
}

BUG(reorder_3) { reorder(3); }
BUG(reorder_5) { reorder(5); }
BUG(reorder_10) { reorder(10); }
BUG(reorder_20) { reorder(20); }
BUG(reorder_50) { reorder(50); }
