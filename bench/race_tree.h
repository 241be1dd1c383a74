/*
 * The race detector's pointer-chasing workload, run like race_loop.h by
 * weft (race_turns.c) and by TSan (peers/race_turns_pthread.c): a balanced
 * binary search tree of RACE_TREE_NODES nodes, scattered over an array, and
 * per pass RACE_TREE_LOOKUPS lookups of pseudo-random keys, each walking
 * the tree through small functions (a call each: func_entry/exit) and
 * bumping the value found. The passes alternate between the two threads of
 * control, so each runs in a new epoch after the other side's writes.
 *
 * A program prints one line: ns per lookup, then its peak RSS in bytes.
 */
#ifndef WEFT_BENCH_RACE_TREE_H
#define WEFT_BENCH_RACE_TREE_H

#include "race_report.h"

enum {
    RACE_TREE_DEPTH = 16,
    RACE_TREE_NODES = (1 << RACE_TREE_DEPTH) - 1,
    RACE_TREE_LOOKUPS = 1 << 15,
    RACE_PASSES = 20,
};

struct race_tree_node {
    long key, value;
    struct race_tree_node *child[2];
};

/* Aligned to a cache line, so that every program lays the nodes out alike:
 * where the linker put the array at 16 past a line, every other node
 * straddled two lines and that program's plain run was a third slower. */
static _Alignas(64) struct race_tree_node race_tree_nodes[RACE_TREE_NODES + 1];
static struct race_tree_node *race_tree_root;
static volatile long race_tree_sink;

/* Where node number i lives: an odd multiplier permutes the array, so
 * neighbours in the tree are far apart in memory. */
static inline struct race_tree_node *race_tree_slot(long i)
{
    return &race_tree_nodes[(i * 40503) & RACE_TREE_NODES];
}

/* The subtree of keys [low, high), balanced. */
static struct race_tree_node *race_tree_build(long low, long high)
{
    if (low >= high)
        return 0;
    long middle = low + (high - low) / 2;
    struct race_tree_node *node = race_tree_slot(middle);
    node->key = middle * 2; /* even keys: odd ones miss */
    node->value = middle;
    node->child[0] = race_tree_build(low, middle);
    node->child[1] = race_tree_build(middle + 1, high);
    return node;
}

/* Untimed: first touches of the tree (and its shadow) happen here. */
static inline void race_fill(void)
{
    race_tree_root = race_tree_build(0, RACE_TREE_NODES);
}

/* Small functions, noinline: both programs make the same calls. */
__attribute__((noinline)) static int race_tree_compare(
    const struct race_tree_node *node, long key)
{
    return (key > node->key) - (key < node->key);
}

__attribute__((noinline)) static struct race_tree_node *
race_tree_find(struct race_tree_node *node, long key)
{
    while (node) {
        int order = race_tree_compare(node, key);
        if (order == 0)
            return node;
        node = node->child[order > 0];
    }
    return 0;
}

__attribute__((noinline)) static long race_tree_bump(
    struct race_tree_node *node, long by)
{
    node->value += by;
    return node->value;
}

/* One pass: lookups of keys from a generator seeded by the pass. */
__attribute__((noinline)) static void race_pass(long pass)
{
    unsigned long state = (unsigned long)pass * 0x9E3779B97F4A7C15ul + 1;
    long sum = 0;
    for (long i = 0; i < RACE_TREE_LOOKUPS; i++) {
        state = state * 6364136223846793005ul + 1442695040888963407ul;
        long key = (long)(state >> 33) % (2 * RACE_TREE_NODES);
        struct race_tree_node *node = race_tree_find(race_tree_root, key);
        if (node)
            sum += race_tree_bump(node, i & 1);
    }
    race_tree_sink = sum;
}

static inline void race_report(double elapsed_ns, long passes)
{
    race_report_operations(elapsed_ns, (double)passes * RACE_TREE_LOOKUPS);
}

#endif /* WEFT_BENCH_RACE_TREE_H */
