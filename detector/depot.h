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
    /* by node: the child it made last for a call (depot_call), 0 if none */
    uint32_t *last_calls;
    uint32_t count, capacity;
};

extern struct depot depot;

/* A direct-mapped cache of recent (parent, pc) -> node lookups in front of
 * the table: a hot call or access site whose home slot another key took
 * (the table is up to half full) still costs one look. Nodes are never
 * freed, so a line never goes stale. */
enum { DEPOT_CACHE_BITS = 12 };

struct depot_cache_line {
    uintptr_t pc;
    uint32_t parent, node;
};

extern struct depot_cache_line depot_cache[1 << DEPOT_CACHE_BITS];

/* The node of (parent, pc), made if new; fills its cache line. */
uint32_t depot_lookup(uint32_t parent, uintptr_t pc);

static inline uint64_t depot_hash(uint32_t parent, uintptr_t pc)
{
    return ((uint64_t)pc * 0x9E3779B97F4A7C15ull) ^
           ((uint64_t)parent * 0xC2B2AE3D27D4EB4Full);
}

/* The table's home slot is chosen by the hash's top bits; the cache line
 * by others, so that keys sharing a home do not share a line. */
static inline struct depot_cache_line *depot_cache_line(uint64_t hash)
{
    return &depot_cache[(hash >> 32) & ((1u << DEPOT_CACHE_BITS) - 1)];
}

/* The node for pc called (or accessed) under parent: its cache line holds
 * it almost always. */
static inline uint32_t depot_child(uint32_t parent, uintptr_t pc)
{
    const struct depot_cache_line *line =
        depot_cache_line(depot_hash(parent, pc));
    if (__builtin_expect(line->pc == pc && line->parent == parent, 1))
        return line->node;
    return depot_lookup(parent, pc);
}

/* The node for a call at pc under parent (__tsan_func_entry), made if
 * new; remembered as parent's last call. */
uint32_t depot_call(uint32_t parent, uintptr_t pc);

/* The node depot_call made last under parent, 0 if none: the call at pc
 * if its pc is pc (its parent is parent by making; the root's pc, 0, is
 * no call's). Two loads, no hash, for a loop's calls or a function's one
 * callee. */
static inline uint32_t depot_last_call(uint32_t parent)
{
    return depot.last_calls[parent];
}

static inline uintptr_t depot_pc(uint32_t node)
{
    return depot.pcs[node];
}

static inline uint32_t depot_parent(uint32_t node)
{
    return depot.parents[node];
}

void depot_init(void);
/* The pcs of node, innermost first; returns how many (at most max). */
size_t depot_unwind(uint32_t node, uintptr_t *pcs, size_t max);

#endif
