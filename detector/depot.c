/*
 * The stack depot (see depot.h). The table is at most half full, so a
 * lookup ends at the first empty slot after a probe or two.
 */
#include "depot.h"

#include "state.h"

struct depot depot;

static void table_put(struct depot_slot *table, size_t mask, uint32_t parent,
                      uintptr_t pc, uint32_t node)
{
    size_t i = depot_hash(parent, pc) & mask;
    while (table[i].node)
        i = (i + 1) & mask;
    table[i] = (struct depot_slot){pc, parent, node};
}

static void table_grow(void)
{
    size_t size = (depot.mask + 1) * 2;
    struct depot_slot *table = det_calloc(size, sizeof *table);
    for (size_t i = 0; i <= depot.mask; i++) {
        struct depot_slot *s = &depot.table[i];
        if (s->node)
            table_put(table, size - 1, s->parent, s->pc, s->node);
    }
    det_free(depot.table);
    depot.table = table;
    depot.mask = size - 1;
}

void depot_init(void)
{
    if (depot.table)
        return;
    depot.mask = (1 << 16) - 1;
    depot.table = det_calloc(depot.mask + 1, sizeof *depot.table);
    depot.capacity = 1 << 15;
    depot.parents = det_alloc(depot.capacity * sizeof *depot.parents);
    depot.pcs = det_alloc(depot.capacity * sizeof *depot.pcs);
    depot.parents[0] = 0; /* the root is its own parent */
    depot.pcs[0] = 0;
    depot.count = 1;
}

uint32_t depot_insert(uint32_t parent, uintptr_t pc)
{
    size_t i = depot_hash(parent, pc) & depot.mask;
    for (; depot.table[i].node; i = (i + 1) & depot.mask)
        if (depot.table[i].pc == pc && depot.table[i].parent == parent)
            return depot.table[i].node;
    if (depot.count == (uint32_t)1 << DEPOT_NODE_BITS)
        return parent; /* full */
    if (depot.count == depot.capacity) {
        depot.capacity *= 2;
        depot.parents =
            det_realloc(depot.parents, depot.capacity * sizeof *depot.parents);
        depot.pcs = det_realloc(depot.pcs, depot.capacity * sizeof *depot.pcs);
    }
    uint32_t node = depot.count++;
    depot.parents[node] = parent;
    depot.pcs[node] = pc;
    depot.table[i] = (struct depot_slot){pc, parent, node};
    if ((size_t)depot.count * 2 > depot.mask)
        table_grow();
    return node;
}

size_t depot_unwind(uint32_t node, uintptr_t *pcs, size_t max)
{
    size_t n = 0;
    for (; node && n < max; node = depot.parents[node])
        pcs[n++] = depot.pcs[node];
    return n;
}
