/* The indexed run queue (runtime/indexed_queue.c): FIFO order kept
 * whatever positions are taken, and the first of the greatest rank. */
#include <criterion/criterion.h>
#include <string.h>

#include "indexed_queue.h"
#include "runtime.h"

enum { MANY = 3000 };

static struct goroutine goroutines[MANY];

static struct goroutine *numbered(size_t i)
{
    goroutines[i].id = i;
    return &goroutines[i];
}

Test(indexed_queue, take_leaves_the_rest_in_arrival_order)
{
    struct indexed_queue q = {0};
    for (size_t i = 0; i < 10; i++)
        indexed_queue_push(&q, numbered(i), 0);
    cr_assert_eq(indexed_queue_take(&q, 3)->id, 3);
    cr_assert_eq(indexed_queue_take(&q, 0)->id, 0);
    uint64_t expected[] = {1, 2, 4, 5, 6, 7, 8, 9};
    for (size_t i = 0; i < 8; i++)
        cr_assert_eq(indexed_queue_at(&q, i)->id, expected[i], "position %zu",
                     i);
}

/* Against a plain array: pushes and takes at pseudo-random positions,
 * enough to compact and grow the slots many times. */
Test(indexed_queue, matches_a_list_through_compaction_and_growth)
{
    struct indexed_queue q = {0};
    static uint64_t model[MANY];
    size_t length = 0, pushed = 0;
    uint64_t state[4];
    weft_random_seed(state, 7);
    for (int round = 0; round < 20000; round++) {
        bool push =
            pushed < MANY && (length == 0 || weft_random_below(state, 5) < 3);
        if (push) {
            indexed_queue_push(&q, numbered(pushed), 0);
            model[length++] = pushed++;
        } else if (length) {
            size_t at = (size_t)weft_random_below(state, length);
            cr_assert_eq(indexed_queue_take(&q, at)->id, model[at]);
            memmove(model + at, model + at + 1,
                    (--length - at) * sizeof *model);
        }
    }
    cr_assert_gt(q.capacity, 64, "the slots never grew");
    for (size_t i = 0; i < length; i++)
        cr_assert_eq(indexed_queue_at(&q, i)->id, model[i], "position %zu", i);
}

Test(indexed_queue, highest_is_the_first_of_the_greatest_rank)
{
    struct indexed_queue q = {0};
    uint64_t ranks[] = {5, 9, 3, 9, 0};
    for (size_t i = 0; i < 5; i++)
        indexed_queue_push(&q, numbered(i), ranks[i]);
    uint64_t rank;
    cr_assert_eq(indexed_queue_highest(&q, &rank), 1);
    cr_assert_eq(rank, 9);
    indexed_queue_take(&q, 1); /* now 0 2 3 4 */
    cr_assert_eq(indexed_queue_highest(&q, &rank), 2);
    indexed_queue_rerank(&q, &goroutines[3], 1);
    cr_assert_eq(indexed_queue_highest(&q, &rank), 0);
    cr_assert_eq(rank, 5);
}

Test(indexed_queue, all_rank_zero_gives_the_first)
{
    struct indexed_queue q = {0};
    for (size_t i = 0; i < 100; i++)
        indexed_queue_push(&q, numbered(i), 0);
    indexed_queue_take(&q, 0);
    uint64_t rank;
    cr_assert_eq(indexed_queue_highest(&q, &rank), 0);
    cr_assert_eq(indexed_queue_at(&q, 0)->id, 1);
}

Test(indexed_queue, clear_empties_a_queue_left_full)
{
    struct indexed_queue q = {0};
    for (size_t i = 0; i < 100; i++)
        indexed_queue_push(&q, numbered(i), 7);
    indexed_queue_clear(&q);
    indexed_queue_push(&q, numbered(200), 0);
    uint64_t rank;
    cr_assert_eq(indexed_queue_highest(&q, &rank), 0);
    cr_assert_eq(rank, 0);
    cr_assert_eq(indexed_queue_at(&q, 0)->id, 200);
}
