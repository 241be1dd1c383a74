/*
 * The stack depot (see depot.h). Its table (support/hash_table.h) is at
 * most half full, so a lookup ends at the first empty slot after a probe or
 * two; it is allocated at depot_init and never iterated. The cache in
 * front of it starts empty: a zero line is the key (0, 0), whose node is
 * the root's own, 0, if it were ever asked for.
 */
#include "depot.h"

#include "state.h"

static uint64_t slot_hash(const void *slot)
{
    const struct depot_slot *s = slot;
    return depot_hash((uint32_t)s->node_parent, s->pc);
}

struct depot_cache_line depot_cache[1 << DEPOT_CACHE_BITS];

/* Before depot_init, the root alone: its parent and last call are itself,
 * so __tsan_func_entry and _exit need not test for a depot. */
static uint32_t root_parents[1], root_last_calls[1];
static uintptr_t root_pcs[1];

struct depot depot = {
    .table =
        HASH_TABLE(struct depot_slot, 1 << 16, slot_hash, &det_hash_allocator),
    .parents = root_parents,
    .pcs = root_pcs,
    .last_calls = root_last_calls,
};

void depot_init(void)
{
    if (depot.table.slots)
        return;
    hash_table_allocate(&depot.table); /* depot_child does not test for none */
    depot.capacity = 1 << 15;
    depot.parents = det_alloc(depot.capacity * sizeof *depot.parents);
    depot.pcs = det_alloc(depot.capacity * sizeof *depot.pcs);
    depot.last_calls =
        det_alloc(depot.capacity * sizeof *depot.last_calls);
    depot.parents[0] = 0; /* the root is its own parent */
    depot.pcs[0] = 0;
    depot.last_calls[0] = 0;
    depot.count = 1;
}

/* The node of slot s if its key is (parent, pc), else 0. */
static inline uint32_t slot_node(const struct depot_slot *s, uint32_t parent,
                                 uintptr_t pc)
{
    uint64_t word = s->node_parent;
    return s->pc == pc && (uint32_t)word == parent ? (uint32_t)(word >> 32) : 0;
}

static uint32_t find_or_insert(uint32_t parent, uintptr_t pc, uint64_t hash)
{
    for (size_t i = hash_table_home(&depot.table, hash);;
         i = hash_table_next(&depot.table, i)) {
        const struct depot_slot *s = hash_table_slot(&depot.table, i);
        if (!s->node_parent)
            break;
        uint32_t node = slot_node(s, parent, pc);
        if (node)
            return node;
    }
    if (depot.count == (uint32_t)1 << DEPOT_NODE_BITS)
        return parent; /* full */
    if (depot.count == depot.capacity) {
        depot.capacity *= 2;
        depot.parents =
            det_realloc(depot.parents, depot.capacity * sizeof *depot.parents);
        depot.pcs = det_realloc(depot.pcs, depot.capacity * sizeof *depot.pcs);
        depot.last_calls = det_realloc(
            depot.last_calls, depot.capacity * sizeof *depot.last_calls);
    }
    uint32_t node = depot.count++;
    depot.parents[node] = parent;
    depot.pcs[node] = pc;
    depot.last_calls[node] = 0;
    struct depot_slot *s = hash_table_claim(&depot.table, hash);
    *s = (struct depot_slot){(uint64_t)node << 32 | parent, pc};
    return node;
}

uint32_t depot_lookup(uint32_t parent, uintptr_t pc)
{
    uint64_t hash = depot_hash(parent, pc);
    uint32_t node = find_or_insert(parent, pc, hash);
    *depot_cache_line(hash) = (struct depot_cache_line){pc, parent, node};
    return node;
}

uint32_t depot_call(uint32_t parent, uintptr_t pc)
{
    uint32_t node = depot_child(parent, pc);
    /* not a full depot's answer (parent itself), which is no child */
    if (node != parent)
        depot.last_calls[parent] = node;
    return node;
}

size_t depot_unwind(uint32_t node, uintptr_t *pcs, size_t max)
{
    size_t n = 0;
    for (; node && n < max; node = depot.parents[node])
        pcs[n++] = depot.pcs[node];
    return n;
}
