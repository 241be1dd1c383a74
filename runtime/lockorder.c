/*
 * The lock-order graph (lockorder.h).
 *
 * Nodes are locks (by address), edges "B acquired while A was held", kept
 * per (A, B, the modes they were held and taken in). A cycle is a potential
 * deadlock unless:
 *  - one lock on it cannot block: read-held and read-taken (readers share);
 *  - a common lock (a gate) was write-held at every edge of it: its
 *    guards are the intersection over every time the edge was seen;
 *  - one goroutine alone made all its edges (it cannot wait for itself);
 *  - a channel on it has not been seen used as a lock (a goroutine
 *    receiving its own value back), since 1-slot channels also hand values
 *    over.
 * Each cycle is reported once. Everything here is weft's own work done in a
 * goroutine's name, so the detector is told to ignore it.
 */
#include "lockorder.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "exit_status.h"
#include "harness_hooks.h"
#include "hash_table.h"
#include "stack.h"

OPTION_KEY(detect_deadlocks);

enum {
    LOCK_FRAMES = 24,
    MAX_GUARDS = 4,
    MAX_CYCLE = LOCK_TARGET_MAX, /* the harness steers toward one */
    SEARCH_BUDGET = 100000,
};

struct lock_stack {
    uintptr_t pcs[LOCK_FRAMES];
    size_t count;
};

struct lock_node {
    const void *lock;
    enum lock_kind kind;
    uint32_t id;
    bool lock_like;          /* a channel seen used as a lock */
    bool written;            /* an RWMutex ever write-locked */
    struct lock_stack first; /* where it was first locked */
    uint32_t *out;           /* edge indices */
    size_t out_count, out_capacity;
};

struct lock_edge {
    uint32_t from, to;
    enum lock_mode from_mode, to_mode;
    uint64_t goroutine; /* who first made it */
    uint64_t parent;
    uintptr_t created_pc;
    bool many_goroutines;
    uint32_t guards[MAX_GUARDS]; /* write-held locks at every occurrence */
    size_t guard_count;
    struct lock_stack held, taken; /* from's and to's acquisitions */
};

struct held_lock {
    uint32_t node;
    enum lock_mode mode;
    struct lock_stack stack;
};

struct held_locks {
    size_t count, capacity;
    struct held_lock locks[];
};

static struct {
    struct lock_node *nodes;
    size_t node_count, node_capacity;
    /* node_slots by address: made by lockorder_run_start, which comes
     * before any event (rt.lock_order is what it returns) */
    struct hash_table by_lock;
    struct lock_edge *edges;
    size_t edge_count, edge_capacity;
    uint64_t *reported; /* signatures of the cycles reported */
    size_t reported_count, reported_capacity;
    const void *first_cycle[MAX_CYCLE]; /* for the harness */
    size_t first_cycle_length;
} lo;

static void *grow(void *array, size_t *capacity, size_t element)
{
    *capacity = *capacity ? *capacity * 2 : 16;
    void *p = realloc(array, *capacity * element);
    if (!p)
        runtime_panic("lock-order graph: out of memory");
    return p;
}

/* ---- nodes ---- */

struct node_slot {
    uint64_t lock; /* its address; 0: empty */
    uint32_t node;
};

static void *calloc_or_panic(size_t count, size_t size)
{
    void *p = calloc(count, size);
    if (!p)
        runtime_panic("lock-order graph: out of memory");
    return p;
}

static const struct hash_allocator allocator = {calloc_or_panic, free};

static const struct hash_table empty_by_lock =
    HASH_TABLE(struct node_slot, 64, NULL, &allocator);

static long node_find(const void *lock)
{
    const struct node_slot *s = hash_table_find(&lo.by_lock, (uintptr_t)lock);
    return s ? (long)s->node : -1;
}

/* Where a lock is taken, into pcs: where a report may show it. */
static size_t lock_stack(uintptr_t *pcs)
{
    return rt.record_lock_stacks
               ? stack_capture(pcs, LOCK_FRAMES, 0)
               : 0;
}

static uint32_t node_get(const void *lock, enum lock_kind kind,
                         uint32_t *id_field)
{
    long found = node_find(lock);
    if (found >= 0)
        return (uint32_t)found;
    if (lo.node_count == lo.node_capacity)
        lo.nodes = grow(lo.nodes, &lo.node_capacity, sizeof *lo.nodes);
    uint32_t index = (uint32_t)lo.node_count++;
    struct lock_node *n = &lo.nodes[index];
    *n = (struct lock_node){.lock = lock, .kind = kind};
    n->id = object_id(id_field);
    n->first.count = lock_stack(n->first.pcs);
    struct node_slot *s = hash_table_add(&lo.by_lock, (uintptr_t)lock);
    s->node = index;
    return index;
}

/* ---- held locks ---- */

static void held_push(struct goroutine *g, uint32_t node, enum lock_mode mode)
{
    struct held_locks *h = g->held_locks;
    if (!h || h->count == h->capacity) {
        size_t capacity = h ? h->capacity * 2 : 4;
        h = realloc(h, sizeof *h + capacity * sizeof h->locks[0]);
        if (!h)
            runtime_panic("lock-order graph: out of memory");
        if (!g->held_locks)
            h->count = 0;
        h->capacity = capacity;
        g->held_locks = h;
    }
    struct held_lock *entry = &h->locks[h->count++];
    entry->node = node;
    entry->mode = mode;
    entry->stack.count = lock_stack(entry->stack.pcs);
}

/* Removes node from g's held locks, the latest hold first. */
static bool held_remove(struct goroutine *g, uint32_t node)
{
    struct held_locks *h = g->held_locks;
    for (size_t i = h ? h->count : 0; i-- > 0;)
        if (h->locks[i].node == node) {
            memmove(&h->locks[i], &h->locks[i + 1],
                    (h->count - i - 1) * sizeof h->locks[0]);
            h->count--;
            return true;
        }
    return false;
}

/* ---- edges ---- */

static long edge_find(uint32_t from, uint32_t to, enum lock_mode from_mode,
                      enum lock_mode to_mode)
{
    const struct lock_node *n = &lo.nodes[from];
    for (size_t i = 0; i < n->out_count; i++) {
        const struct lock_edge *e = &lo.edges[n->out[i]];
        if (e->to == to && e->from_mode == from_mode && e->to_mode == to_mode)
            return n->out[i];
    }
    return -1;
}

/* The locks g holds in write mode other than except: the edge's guards. */
static size_t write_held(const struct held_locks *h, uint32_t except,
                         uint32_t *out)
{
    size_t count = 0;
    for (size_t i = 0; i < h->count && count < MAX_GUARDS; i++)
        if (h->locks[i].mode == LOCK_WRITE && h->locks[i].node != except)
            out[count++] = h->locks[i].node;
    return count;
}

static bool intersect_guards(struct lock_edge *e, const uint32_t *guards,
                             size_t count)
{
    size_t kept = 0;
    for (size_t i = 0; i < e->guard_count; i++)
        for (size_t j = 0; j < count; j++)
            if (e->guards[i] == guards[j]) {
                e->guards[kept++] = e->guards[i];
                break;
            }
    bool shrunk = kept < e->guard_count;
    e->guard_count = kept;
    return shrunk;
}

static uint32_t edge_add(const struct held_lock *held, uint32_t to,
                         enum lock_mode to_mode, const uint32_t *guards,
                         size_t guard_count)
{
    if (lo.edge_count == lo.edge_capacity)
        lo.edges = grow(lo.edges, &lo.edge_capacity, sizeof *lo.edges);
    uint32_t index = (uint32_t)lo.edge_count++;
    struct goroutine *g = ws.current;
    struct lock_edge *e = &lo.edges[index];
    *e = (struct lock_edge){
        .from = held->node,
        .to = to,
        .from_mode = held->mode,
        .to_mode = to_mode,
        .goroutine = g->id,
        .parent = g->parent_id,
        .created_pc = g->created_pc,
        .guard_count = guard_count,
        .held = held->stack,
    };
    memcpy(e->guards, guards, guard_count * sizeof *guards);
    e->taken.count = lock_stack(e->taken.pcs);
    struct lock_node *n = &lo.nodes[held->node];
    if (n->out_count == n->out_capacity)
        n->out = grow(n->out, &n->out_capacity, sizeof *n->out);
    n->out[n->out_count++] = index;
    return index;
}

/* ---- cycles ---- */

static bool cycle_blocks(const uint32_t *cycle, size_t length)
{
    uint32_t common[MAX_GUARDS];
    size_t common_count = lo.edges[cycle[0]].guard_count;
    memcpy(common, lo.edges[cycle[0]].guards, common_count * sizeof *common);
    bool one_goroutine = true;
    for (size_t i = 0; i < length; i++) {
        const struct lock_edge *in = &lo.edges[cycle[i]];
        const struct lock_edge *out = &lo.edges[cycle[(i + 1) % length]];
        const struct lock_node *n = &lo.nodes[in->to];
        if (n->kind == LOCK_CHAN && !n->lock_like)
            return false;
        /* read-held, read-taken: blocks only behind a writer */
        if (in->to_mode == LOCK_READ && out->from_mode == LOCK_READ &&
            !n->written)
            return false;
        one_goroutine &= !in->many_goroutines &&
                         in->goroutine == lo.edges[cycle[0]].goroutine;
        size_t kept = 0;
        for (size_t a = 0; a < common_count; a++)
            for (size_t b = 0; b < in->guard_count; b++)
                if (common[a] == in->guards[b]) {
                    common[kept++] = common[a];
                    break;
                }
        common_count = kept;
    }
    return common_count == 0 && !one_goroutine;
}

/* The same cycle, whatever edge it was found from. */
static uint64_t cycle_signature(const uint32_t *cycle, size_t length)
{
    uint64_t sum = 0, mix = 0;
    for (size_t i = 0; i < length; i++) {
        uint64_t x = (cycle[i] + 1) * 0x9e3779b97f4a7c15ull;
        sum += x;
        mix ^= x ^ (x >> 29);
    }
    return sum ^ (mix * 0xbf58476d1ce4e5b9ull) ^ length;
}

static bool already_reported(uint64_t signature)
{
    for (size_t i = 0; i < lo.reported_count; i++)
        if (lo.reported[i] == signature)
            return true;
    return false;
}

static const char *kind_name(enum lock_kind kind)
{
    return kind == LOCK_MUTEX     ? "mutex"
           : kind == LOCK_RWMUTEX ? "rwmutex"
                                  : "ch";
}

static void print_node(FILE *out, uint32_t index)
{
    const struct lock_node *n = &lo.nodes[index];
    fprintf(out, "%s#%u", kind_name(n->kind), n->id);
}

static const char *taken_verb(const struct lock_edge *e)
{
    if (lo.nodes[e->to].kind == LOCK_CHAN)
        return "acquired (a send on its 1-slot buffer)";
    return e->to_mode == LOCK_READ ? "read-locked" : "locked";
}

static const char *goroutine_state(uint64_t id)
{
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (g->id == id)
            return g == ws.current          ? "running"
                   : g->status == G_WAITING ? wait_reason_string(g->wait_reason)
                                            : "runnable";
    return "finished";
}

static void print_creation(FILE *out, const struct lock_edge *e)
{
    if (e->goroutine == 1 || !e->created_pc) {
        fprintf(out, "Goroutine %llu is the main goroutine.\n",
                (unsigned long long)e->goroutine);
        return;
    }
    struct symbol where;
    symbolize(e->created_pc, false, &where);
    fprintf(out, "Goroutine %llu (%s) created by goroutine %llu at:\n",
            (unsigned long long)e->goroutine, goroutine_state(e->goroutine),
            (unsigned long long)e->parent);
    fprintf(out, "  %s() %s:%d\n", where.function, where.file, where.line);
}

static void report_cycle(const uint32_t *cycle, size_t length)
{
    FILE *out = stderr;
    fflush(stdout);
    fputs("==================\n"
          "WARNING: POTENTIAL DEADLOCK (lock-order inversion)\n"
          "Cycle in lock order: ",
          out);
    for (size_t i = 0; i < length; i++) {
        uint32_t n = lo.edges[cycle[i]].from;
        print_node(out, n);
        fprintf(out, " (%p) => ", lo.nodes[n].lock);
    }
    print_node(out, lo.edges[cycle[0]].from);
    fputc('\n', out);
    for (size_t i = 0; i < length; i++) {
        const struct lock_edge *e = &lo.edges[cycle[i]];
        fputc('\n', out);
        print_node(out, e->to);
        fprintf(out, " %s while holding ", taken_verb(e));
        print_node(out, e->from);
        fprintf(out, ", by goroutine %llu:\n",
                (unsigned long long)e->goroutine);
        stack_print(out, e->taken.pcs, e->taken.count, false);
        print_node(out, e->from);
        fprintf(out, " was %s before, by the same goroutine:\n",
                e->from_mode == LOCK_READ ? "read-locked" : "taken");
        stack_print(out, e->held.pcs, e->held.count, false);
    }
    for (size_t i = 0; i < length; i++) {
        const struct lock_node *n = &lo.nodes[lo.edges[cycle[i]].from];
        fputc('\n', out);
        print_node(out, lo.edges[cycle[i]].from);
        fprintf(out, " (%p) first locked at:\n", n->lock);
        stack_print(out, n->first.pcs, n->first.count, false);
    }
    fputc('\n', out);
    for (size_t i = 0; i < length; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |=
                lo.edges[cycle[j]].goroutine == lo.edges[cycle[i]].goroutine;
        if (!seen)
            print_creation(out, &lo.edges[cycle[i]]);
    }
    fputs("==================\n", out);
    fflush(out);
}

static void cycle_found(const uint32_t *found, size_t length)
{
    /* start at the lock named first (the lowest id), for stable reports */
    size_t first = 0;
    for (size_t i = 1; i < length; i++)
        if (lo.nodes[lo.edges[found[i]].from].id <
            lo.nodes[lo.edges[found[first]].from].id)
            first = i;
    uint32_t cycle[MAX_CYCLE];
    for (size_t i = 0; i < length; i++)
        cycle[i] = found[(first + i) % length];
    if (lo.reported_count == lo.reported_capacity)
        lo.reported =
            grow(lo.reported, &lo.reported_capacity, sizeof *lo.reported);
    lo.reported[lo.reported_count++] = cycle_signature(cycle, length);
    if (lo.first_cycle_length == 0) {
        for (size_t i = 0; i < length; i++)
            lo.first_cycle[i] = lo.nodes[lo.edges[cycle[i]].from].lock;
        lo.first_cycle_length = length;
    }
    report_cycle(cycle, length);
}

/* Depth-first over simple paths from the edge's head back to its tail;
 * reports the first new cycle that can block. Bounded: lock graphs are
 * small, and a report can wait for the next edge. */
static void search_cycles(uint32_t first_edge)
{
    uint32_t path[MAX_CYCLE]; /* edges, path[0] = first_edge */
    size_t next[MAX_CYCLE];   /* per depth: the next out-edge to try */
    bool *on_path = calloc(lo.node_count, sizeof *on_path);
    if (!on_path)
        return;
    uint32_t start = lo.edges[first_edge].from;
    size_t depth = 1, budget = SEARCH_BUDGET;
    path[0] = first_edge;
    next[0] = 0;
    on_path[start] = true;
    on_path[lo.edges[first_edge].to] = true;
    while (depth > 0 && budget-- > 0) {
        uint32_t at = lo.edges[path[depth - 1]].to;
        const struct lock_node *n = &lo.nodes[at];
        if (at == start) {
            uint64_t signature = cycle_signature(path, depth);
            if (cycle_blocks(path, depth) && !already_reported(signature)) {
                cycle_found(path, depth);
                break;
            }
        } else if (next[depth - 1] < n->out_count && depth < MAX_CYCLE) {
            uint32_t e = n->out[next[depth - 1]++];
            uint32_t to = lo.edges[e].to;
            if (to == start || !on_path[to]) {
                on_path[to] = true;
                path[depth] = e;
                next[depth] = 0;
                depth++;
            }
            continue;
        }
        /* back up: done with this node */
        if (at != start)
            on_path[at] = false;
        depth--;
    }
    on_path[start] = false;
    free(on_path);
}

/* ---- events ---- */

void lockorder_before(const void *lock)
{
    struct goroutine *g = ws.current;
    g->pending_inverted = false;
    struct held_locks *h = g->held_locks;
    /* the harness's cycle to steer toward (runtime_run_settings) */
    const void *const *target = rt_process.harness.lock_target;
    size_t length = rt_process.harness.lock_target_length;
    if (length == 0 || !h)
        return;
    for (size_t i = 0; i < length; i++) {
        if (target[(i + 1) % length] != lock)
            continue;
        for (size_t j = 0; j < h->count; j++)
            if (lo.nodes[h->locks[j].node].lock == target[i])
                g->pending_inverted = true;
    }
}

static void add_edges(uint32_t node, enum lock_mode mode)
{
    struct held_locks *h = ws.current->held_locks;
    for (size_t i = 0; h && i < h->count; i++) {
        const struct held_lock *held = &h->locks[i];
        if (held->node == node)
            continue; /* a reader taking it again: no order */
        uint32_t guards[MAX_GUARDS];
        size_t guard_count = write_held(h, held->node, guards);
        long found = edge_find(held->node, node, held->mode, mode);
        if (found < 0) {
            search_cycles(edge_add(held, node, mode, guards, guard_count));
            continue;
        }
        struct lock_edge *e = &lo.edges[found];
        bool changed = false;
        if (e->goroutine != ws.current->id && !e->many_goroutines)
            changed = e->many_goroutines = true;
        changed |= intersect_guards(e, guards, guard_count);
        if (changed)
            search_cycles((uint32_t)found);
    }
}

void lockorder_acquired(const void *lock, enum lock_kind kind,
                        uint32_t *id_field, enum lock_mode mode, bool blocking)
{
    ws.current->pending_inverted = false;
    uint32_t node = node_get(lock, kind, id_field);
    lo.nodes[node].written |= mode == LOCK_WRITE;
    if (blocking)
        add_edges(node, mode);
    held_push(ws.current, node, mode);
}

void lockorder_released(const void *lock)
{
    long node = node_find(lock);
    if (node < 0 || held_remove(ws.current, (uint32_t)node))
        return;
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (held_remove(g, (uint32_t)node))
            return;
}

void lockorder_chan_received(const void *chan)
{
    long node = node_find(chan);
    if (node < 0)
        return;
    if (held_remove(ws.current, (uint32_t)node)) {
        if (lo.nodes[node].lock_like)
            return;
        /* now its edges may close cycles they could not before */
        lo.nodes[node].lock_like = true;
        for (size_t e = 0; e < lo.edge_count; e++)
            if (lo.edges[e].from == node || lo.edges[e].to == node)
                search_cycles((uint32_t)e);
        return;
    }
    for (struct goroutine *g = goroutine_first(); g; g = goroutine_after(g))
        if (held_remove(g, (uint32_t)node))
            return;
}

void lockorder_goroutine_end(struct goroutine *g)
{
    free(g->held_locks);
    g->held_locks = NULL;
}

/* An ordinary program that reported a cycle exits with the detector's
 * status (exitcode, 66 by default), as TSan does for its deadlock reports;
 * under the harness the test's runner decides. */
static void exit_with_status(void)
{
    if (lo.reported_count == 0 || rt_process.harness_set)
        return;
    int status = option_exitcode(WEFT_EXIT_RACE);
    fflush(NULL);
    _exit(status);
}

bool lockorder_run_start(void)
{
    static bool exit_hooked;
    for (size_t i = 0; i < lo.node_count; i++)
        free(lo.nodes[i].out);
    free(lo.nodes);
    hash_table_free(&lo.by_lock);
    free(lo.edges);
    free(lo.reported);
    memset(&lo, 0, sizeof lo);
    lo.by_lock = empty_by_lock;
    bool harness_set = rt_process.harness_set;
    bool harness_on = rt_process.harness.lock_order;
    const char *option = option_value("detect_deadlocks");
    /* the harness turning it off (to minimise another verdict) wins */
    bool on = harness_set && !harness_on ? false
              : option                   ? strcmp(option, "0") != 0
                                         : harness_on;
    if (on && !harness_set && !exit_hooked) {
        exit_hooked = true;
        atexit(exit_with_status);
    }
    return on;
}

/* ---- the harness's side (harness_hooks.h) ---- */

size_t runtime_lock_cycles_reported(void)
{
    return lo.reported_count;
}

size_t runtime_lock_cycle(const void **locks, size_t max)
{
    size_t n = lo.first_cycle_length < max ? lo.first_cycle_length : max;
    memcpy(locks, lo.first_cycle, n * sizeof *locks);
    return n;
}
