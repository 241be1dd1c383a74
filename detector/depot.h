/*
 * The stack depot: call stacks interned as a trie of (parent node, pc), so
 * a stack is one 32-bit node id. func_entry moves a goroutine to the child
 * for its call site, func_exit back to the parent, each in O(1); every shadow
 * cell keeps the node of its access (the access pc under the call stack), so
 * the stack of a previous access is known exactly after its goroutine moved
 * on or finished. Node 0 is the empty stack. Nodes are never freed.
 */
#ifndef WEFT_DETECTOR_DEPOT_H
#define WEFT_DETECTOR_DEPOT_H

#include <stddef.h>
#include <stdint.h>

/* Nodes fit in 27 bits: shadow stack entries keep 5 bits for a size and
 * flags (access.h). Past that (134M nodes) the depot stops growing and a
 * new call stack is recorded as its caller's. */
enum { DEPOT_NODE_BITS = 27 };

struct depot_slot {
    uintptr_t pc;
    uint32_t parent;
    uint32_t node; /* 0: empty slot */
};

struct depot {
    struct depot_slot *table; /* open addressing on (parent, pc) */
    size_t mask;              /* table size - 1 */
    uint32_t *parents;        /* by node */
    uintptr_t *pcs;           /* by node */
    uint32_t count, capacity;
};

extern struct depot depot;

uint32_t depot_insert(uint32_t parent, uintptr_t pc);

static inline size_t depot_hash(uint32_t parent, uintptr_t pc)
{
    uint64_t h = ((uint64_t)pc * 0x9E3779B97F4A7C15ull) ^
                 ((uint64_t)parent * 0xC2B2AE3D27D4EB4Full);
    return (size_t)(h >> 29);
}

/* The node for pc called (or accessed) under parent. */
static inline uint32_t depot_child(uint32_t parent, uintptr_t pc)
{
    size_t i = depot_hash(parent, pc) & depot.mask;
    const struct depot_slot *s = &depot.table[i];
    if (__builtin_expect(s->pc == pc && s->parent == parent && s->node, 1))
        return s->node;
    return depot_insert(parent, pc);
}

static inline uint32_t depot_parent(uint32_t node)
{
    return depot.parents[node];
}

void depot_init(void);
/* The pcs of node, innermost first; returns how many (at most max). */
size_t depot_unwind(uint32_t node, uintptr_t *pcs, size_t max);

#endif
