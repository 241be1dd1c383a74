/*
 * dfs's partial-order reduction: which transitions (a goroutine's next
 * operation) commute, so that running them in either order reaches the
 * same state (strategy_dfs.c keeps sleep sets with it, dfs.c builds them).
 */
#include "strategies.h"

bool touches_nothing_shared(enum weft_op op)
{
    return op == WEFT_OP_START || op == WEFT_OP_EXIT || op == WEFT_OP_YIELD ||
           op == WEFT_OP_SPAWN;
}

/* Two descriptors may be the two ends of one connection: network
 * operations never commute with each other, whatever their objects. */
static bool is_network(enum weft_op op)
{
    return op >= WEFT_OP_NET_LISTEN && op <= WEFT_OP_NET_CLOSE;
}

bool transitions_dependent(const struct weft_option *a,
                           const struct weft_option *b)
{
    if (a->id == b->id)
        return true;
    if (touches_nothing_shared(a->op) || touches_nothing_shared(b->op))
        return false;
    if (is_network(a->op) && is_network(b->op))
        return true;
    if (a->object == 0 || b->object == 0)
        return true;
    return a->object == b->object;
}

bool transitions_conflict(const struct weft_option *a,
                          const struct weft_option *b)
{
    if (a->id == b->id || touches_nothing_shared(a->op) ||
        touches_nothing_shared(b->op))
        return false;
    if (is_network(a->op) && is_network(b->op))
        return true;
    return a->object == b->object;
}
