/* Goroutine stacks: reserved in slabs, committed on touch, pooled. */
#ifndef WEFT_RUNTIME_STACK_POOL_H
#define WEFT_RUNTIME_STACK_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stack {
    void *base;   /* lowest usable byte; the guard page lies below */
    size_t size;  /* usable bytes */
    bool guarded; /* a guard page below base faults on overflow */
    unsigned valgrind_id; /* its registration, under valgrind */
};

/* A stack of at least size bytes; panics when memory is exhausted. */
void stack_alloc(struct stack *s, size_t size);
/* Returns a stack to the pool (its pages stay committed for reuse). */
void stack_free(struct stack *s);
/* The largest goroutine stack (Go's limit on 64-bit systems): a size
 * beyond it is a mistake, not a wish for more room. */
#define STACK_SIZE_MAX ((size_t)1 << 30)

/* The page-rounded size stacks of `size` get (size <= STACK_SIZE_MAX). */
size_t stack_round(size_t size);

static inline void *stack_top(const struct stack *s)
{
    return (char *)s->base + s->size;
}

#endif
