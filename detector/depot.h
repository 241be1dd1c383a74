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

#include "hash_table.h"

/* Nodes fit in 27 bits: shadow stack entries keep 5 bits for a size and
 * flags (access.h). Past that (134M nodes) the depot stops growing and a
 * new call stack is recorded as its caller's. */
enum { DEPOT_NODE_BITS = 27 };

/* The key is (parent, pc); the first word packs the node with the parent,
 * and is never 0 in a used slot since the root is in no slot. */
struct depot_slot {
    uint64_t node_parent; /* node << 32 | parent */
    uintptr_t pc;
};

struct depot {
    struct hash_table table; /* depot_slots by (parent, pc) */
    uint32_t *parents;       /* by node */
    uintptr_t *pcs;          /* by node */
    uint32_t count, capacity;
};

extern struct depot depot;

uint32_t depot_insert(uint32_t parent, uintptr_t pc);

static inline uint64_t depot_hash(uint32_t parent, uintptr_t pc)
{
    return ((uint64_t)pc * 0x9E3779B97F4A7C15ull) ^
           ((uint64_t)parent * 0xC2B2AE3D27D4EB4Full);
}

/* The node of slot s if its key is (parent, pc), else 0. */
static inline uint32_t depot_slot_node(const struct depot_slot *s,
                                       uint32_t parent, uintptr_t pc)
{
    uint64_t word = s->node_parent;
    return s->pc == pc && (uint32_t)word == parent ? (uint32_t)(word >> 32) : 0;
}

/* The node for pc called (or accessed) under parent: the home slot holds it
 * almost always (the table is at most half full). */
static inline uint32_t depot_child(uint32_t parent, uintptr_t pc)
{
    size_t i = hash_table_home(&depot.table, depot_hash(parent, pc));
    uint32_t node =
        depot_slot_node(hash_table_slot(&depot.table, i), parent, pc);
    if (__builtin_expect(node != 0, 1))
        return node;
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
