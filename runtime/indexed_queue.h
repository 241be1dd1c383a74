/*
 * The run queue of a run whose strategy chooses (anything but FIFO): still
 * first in, first out, but a strategy may take any position, so a choice
 * among n runnable goroutines costs O(log n), not O(n).
 *
 * Goroutines sit in slots in arrival order; a segment tree over the slots
 * keeps, per subtree, how many slots are taken and the greatest rank among
 * them, so the k-th goroutine, the position of one, and the first of the
 * greatest rank are each found in one walk down or up the tree.
 *
 * Invariants:
 *  - The goroutines' queue order is their slot order; slots only grow at
 *    the end, and compacting (when the end reaches the capacity) keeps the
 *    order.
 *  - g->run_slot is g's slot while it is queued here.
 *  - Tree node i covers its children 2i and 2i+1; leaf s is node
 *    capacity + s; an empty slot counts 0 with rank 0.
 */
#ifndef WEFT_INDEXED_QUEUE_H
#define WEFT_INDEXED_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct goroutine;

struct indexed_queue {
    struct goroutine **slots;
    uint32_t *counts; /* per tree node: taken slots below it */
    uint64_t *ranks;  /* per tree node: greatest rank below it */
    size_t capacity;  /* slots; a power of two */
    size_t end;       /* the next slot to fill */
};

/* Empties q for a new run, keeping its memory. */
void indexed_queue_clear(struct indexed_queue *q);
/* Appends g with the strategy's rank for it. */
void indexed_queue_push(struct indexed_queue *q, struct goroutine *g,
                        uint64_t rank);
/* The goroutine at position index (< length), left in place. */
struct goroutine *indexed_queue_at(const struct indexed_queue *q, size_t index);
/* Removes and returns the goroutine at position index (< length). */
struct goroutine *indexed_queue_take(struct indexed_queue *q, size_t index);
/* The position of the first goroutine of the greatest rank; sets *rank to
 * it. The queue must not be empty. */
size_t indexed_queue_highest(const struct indexed_queue *q, uint64_t *rank);
/* Gives queued g a new rank. */
void indexed_queue_rerank(struct indexed_queue *q, struct goroutine *g,
                          uint64_t rank);

#endif
