/* The pool's heap: sift up and down by pending requests. */
#include "pool.h"

static void place(struct pool *pool, struct worker *w, size_t index)
{
    pool->workers[index] = w;
    w->index = index;
}

static void sift_up(struct pool *pool, size_t index)
{
    struct worker *w = pool->workers[index];
    while (index > 0) {
        size_t parent = (index - 1) / 2;
        if (pool->workers[parent]->pending <= w->pending)
            break;
        place(pool, pool->workers[parent], index);
        index = parent;
    }
    place(pool, w, index);
}

static void sift_down(struct pool *pool, size_t index)
{
    struct worker *w = pool->workers[index];
    for (;;) {
        size_t child = 2 * index + 1;
        if (child >= pool->count)
            break;
        if (child + 1 < pool->count &&
            pool->workers[child + 1]->pending < pool->workers[child]->pending)
            child++;
        if (w->pending <= pool->workers[child]->pending)
            break;
        place(pool, pool->workers[child], index);
        index = child;
    }
    place(pool, w, index);
}

void pool_push(struct pool *pool, struct worker *w)
{
    place(pool, w, pool->count++);
    sift_up(pool, w->index);
}

void pool_remove(struct pool *pool, size_t index)
{
    struct worker *last = pool->workers[--pool->count];
    if (index == pool->count)
        return;
    place(pool, last, index);
    /* the moved worker may belong above or below its new place */
    sift_down(pool, index);
    sift_up(pool, last->index);
}

struct worker *pool_pop(struct pool *pool)
{
    struct worker *top = pool->workers[0];
    pool_remove(pool, 0);
    return top;
}
