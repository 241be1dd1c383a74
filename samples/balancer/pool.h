/*
 * The balancer's pool: its workers in a binary min-heap ordered by pending
 * requests, so the least loaded is at the top (Pike's Pool, which Go's
 * container/heap keeps in order).
 * Invariant: workers[i]->index == i for every i < count.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

struct worker {
    struct request_chan *requests; /* buffered: the balancer never waits */
    int pending;                   /* requests sent and not yet completed */
    size_t index;                  /* its place in the heap */
};

struct pool {
    struct worker **workers;
    size_t count;
};

/* Adds w in its place by load. The pool has room for every worker. */
void pool_push(struct pool *pool, struct worker *w);

/* Removes and returns the least loaded worker (count > 0). */
struct worker *pool_pop(struct pool *pool);

/* Removes the worker at index (a worker's own index). */
void pool_remove(struct pool *pool, size_t index);

#endif
