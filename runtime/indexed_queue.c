/*
 * The run queue a choosing strategy takes from at any position, in
 * O(log n) (see indexed_queue.h for the layout and its invariants).
 */
#include <stdlib.h>
#include <string.h>

#include "indexed_queue.h"
#include "runtime.h"

enum { FIRST_CAPACITY = 64 };

static void *zeroed(size_t count, size_t size)
{
    void *p = calloc(count, size);
    if (!p)
        runtime_panic("out of memory");
    return p;
}

static uint64_t max_rank(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Sets slot's leaf and everything above it. */
static void set_leaf(struct indexed_queue *q, size_t slot, uint32_t count,
                     uint64_t rank)
{
    size_t node = q->capacity + slot;
    q->counts[node] = count;
    q->ranks[node] = rank;
    for (node /= 2; node >= 1; node /= 2) {
        q->counts[node] = q->counts[2 * node] + q->counts[2 * node + 1];
        q->ranks[node] = max_rank(q->ranks[2 * node], q->ranks[2 * node + 1]);
    }
}

/* The end reached the capacity: moves the goroutines to the first slots,
 * in order, doubling the capacity until at least half of it is free (so
 * rebuilding costs O(1) a push, amortised). */
static void compact(struct indexed_queue *q)
{
    size_t live = q->capacity ? q->counts[1] : 0;
    size_t capacity = q->capacity ? q->capacity : FIRST_CAPACITY;
    while (live * 2 >= capacity)
        capacity *= 2;
    struct goroutine **slots = zeroed(capacity, sizeof *slots);
    uint32_t *counts = zeroed(2 * capacity, sizeof *counts);
    uint64_t *ranks = zeroed(2 * capacity, sizeof *ranks);
    size_t filled = 0;
    for (size_t s = 0; s < q->end; s++) {
        struct goroutine *g = q->slots[s];
        if (!g)
            continue;
        g->run_slot = filled;
        slots[filled] = g;
        counts[capacity + filled] = 1;
        ranks[capacity + filled] = q->ranks[q->capacity + s];
        filled++;
    }
    for (size_t node = capacity - 1; node >= 1; node--) {
        counts[node] = counts[2 * node] + counts[2 * node + 1];
        ranks[node] = max_rank(ranks[2 * node], ranks[2 * node + 1]);
    }
    free(q->slots);
    free(q->counts);
    free(q->ranks);
    *q = (struct indexed_queue){slots, counts, ranks, capacity, filled};
}

void indexed_queue_clear(struct indexed_queue *q)
{
    if (q->capacity && q->counts[1]) { /* a run ended with goroutines queued */
        memset(q->slots, 0, q->capacity * sizeof *q->slots);
        memset(q->counts, 0, 2 * q->capacity * sizeof *q->counts);
        memset(q->ranks, 0, 2 * q->capacity * sizeof *q->ranks);
    }
    q->end = 0;
}

void indexed_queue_push(struct indexed_queue *q, struct goroutine *g,
                        uint64_t rank)
{
    if (q->end == q->capacity)
        compact(q);
    size_t slot = q->end++;
    q->slots[slot] = g;
    g->run_slot = slot;
    set_leaf(q, slot, 1, rank);
}

static size_t slot_at(const struct indexed_queue *q, size_t index)
{
    size_t node = 1;
    while (node < q->capacity) {
        size_t left = 2 * node;
        if (index < q->counts[left]) {
            node = left;
        } else {
            index -= q->counts[left];
            node = left + 1;
        }
    }
    return node - q->capacity;
}

struct goroutine *indexed_queue_at(const struct indexed_queue *q, size_t index)
{
    return q->slots[slot_at(q, index)];
}

struct goroutine *indexed_queue_take(struct indexed_queue *q, size_t index)
{
    size_t slot = slot_at(q, index);
    struct goroutine *g = q->slots[slot];
    q->slots[slot] = NULL;
    set_leaf(q, slot, 0, 0);
    return g;
}

/* Empty slots rank 0, so a subtree whose rank beats the other's holds a
 * goroutine of that rank; ties go left, to the earlier goroutine. */
size_t indexed_queue_highest(const struct indexed_queue *q, uint64_t *rank)
{
    size_t node = 1, index = 0;
    while (node < q->capacity) {
        size_t left = 2 * node;
        if (q->counts[left] && q->ranks[left] >= q->ranks[left + 1]) {
            node = left;
        } else {
            index += q->counts[left];
            node = left + 1;
        }
    }
    *rank = q->ranks[node];
    return index;
}

void indexed_queue_rerank(struct indexed_queue *q, struct goroutine *g,
                          uint64_t rank)
{
    set_leaf(q, g->run_slot, 1, rank);
}
