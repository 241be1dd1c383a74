/*
 * Fork/join with a WaitGroup, from the notes: split a sum over several
 * goroutines (fork), wait for all of them, then combine (join).
 *   add_before_go          Add(1) before each `go`: Wait cannot return
 *                          until every worker is done
 *   add_inside_goroutine   the classic bug: each worker calls Add itself,
 *                          so Wait may run while the counter is still 0 and
 *                          return before the work is done; the harness finds
 *                          a schedule where the joined sum is short
 */
#include <weft.h>

enum { NUMBERS = 100, WORKERS = 4, CHUNK = NUMBERS / WORKERS };

struct part {
    const int *numbers;
    long sum;
    weft_waitgroup *wg;
};

static long sum_of(const int *numbers, int count)
{
    long sum = 0;
    for (int i = 0; i < count; i++)
        sum += numbers[i];
    return sum;
}

static void sum_part(void *arg)
{
    struct part *p = arg;
    p->sum = sum_of(p->numbers, CHUNK);
    weft_waitgroup_done(p->wg); /* the last thing the worker does */
}

static void add_then_sum_part(void *arg)
{
    struct part *p = arg;
    weft_waitgroup_add(p->wg, 1); /* too late: Wait may have returned */
    sum_part(p);
}

/* Forks one worker per chunk, joins them, and checks the total. */
static void fork_join(weft_fn worker, bool add_before_go)
{
    int numbers[NUMBERS];
    for (int i = 0; i < NUMBERS; i++)
        numbers[i] = i + 1;
    struct part parts[WORKERS];
    weft_waitgroup wg = {0};
    for (int i = 0; i < WORKERS; i++) {
        parts[i] = (struct part){&numbers[i * CHUNK], 0, &wg};
        if (add_before_go)
            weft_waitgroup_add(&wg, 1);
        weft_go(worker, &parts[i]);
    }
    weft_waitgroup_wait(&wg);
    long total = 0;
    for (int i = 0; i < WORKERS; i++)
        total += parts[i].sum;
    weft_assert(total == sum_of(numbers, NUMBERS), "joined sum %ld, want %ld",
                total, sum_of(numbers, NUMBERS));
}

WEFT_TEST(add_before_go)
{
    fork_join(sum_part, true);
}

WEFT_TEST(add_inside_goroutine)
{
    fork_join(add_then_sum_part, false);
}
