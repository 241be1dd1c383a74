/*
 * Traces (WEFT_OPTIONS trace=..., weft_config.trace_file): a line per
 * scheduling point, "STEP gID operation [kind#object] [@ file:line]", and
 * a line per decision, "  choose goroutine [g1 g2] -> g2"; a located
 * trace (the harness's) says instead what became of a point's operation
 * when it did not simply run: "  g2 preempted" (switched out at the point,
 * before it), "  g2 resumes" (it runs now), "  g2 blocks" (it parked), so
 * a listing can say what happened when. Objects are
 * named by their run-order ids, never by address, so two traces of one
 * schedule compare with diff.
 */
#include "trace.h"

#include "stack.h"

static const char *choice_names[] = {"goroutine", "case", "timer"};
static const char *option_prefixes[] = {"g", "", "t"};

static const char *op_names[WEFT_OP_COUNT] = {
    [WEFT_OP_NONE] = "none",
    [WEFT_OP_START] = "start",
    [WEFT_OP_YIELD] = "yield",
    [WEFT_OP_SPAWN] = "go",
    [WEFT_OP_EXIT] = "exit",
    [WEFT_OP_CHAN_SEND] = "chan send",
    [WEFT_OP_CHAN_RECV] = "chan receive",
    [WEFT_OP_CHAN_CLOSE] = "chan close",
    [WEFT_OP_SELECT] = "select",
    [WEFT_OP_MUTEX_LOCK] = "mutex lock",
    [WEFT_OP_MUTEX_UNLOCK] = "mutex unlock",
    [WEFT_OP_RWMUTEX_RLOCK] = "rwmutex rlock",
    [WEFT_OP_RWMUTEX_RUNLOCK] = "rwmutex runlock",
    [WEFT_OP_RWMUTEX_LOCK] = "rwmutex lock",
    [WEFT_OP_RWMUTEX_UNLOCK] = "rwmutex unlock",
    [WEFT_OP_WAITGROUP_ADD] = "waitgroup add",
    [WEFT_OP_WAITGROUP_WAIT] = "waitgroup wait",
    [WEFT_OP_COND_WAIT] = "cond wait",
    [WEFT_OP_COND_SIGNAL] = "cond signal",
    [WEFT_OP_COND_BROADCAST] = "cond broadcast",
    [WEFT_OP_ONCE] = "once",
    [WEFT_OP_SLEEP] = "sleep",
    [WEFT_OP_TIMER] = "timer",
    [WEFT_OP_ATOMIC] = "atomic",
    [WEFT_OP_ACCESS] = "access",
    [WEFT_OP_NET_LISTEN] = "net listen",
    [WEFT_OP_NET_ACCEPT] = "net accept",
    [WEFT_OP_NET_DIAL] = "net dial",
    [WEFT_OP_NET_READ] = "net read",
    [WEFT_OP_NET_WRITE] = "net write",
    [WEFT_OP_NET_CLOSE] = "net close",
    [WEFT_OP_BLOCKING] = "blocking call",
    [WEFT_OP_WAITGROUP_DONE] = "waitgroup done",
    [WEFT_OP_CALL] = "call",
};

const char *weft_op_name(enum weft_op op)
{
    return op < WEFT_OP_COUNT && op_names[op] ? op_names[op] : "?";
}

/* "ch", "mutex", ...: how traces name the object of an operation. */
static const char *object_kind(enum weft_op op)
{
    switch (op) {
    case WEFT_OP_CHAN_SEND:
    case WEFT_OP_CHAN_RECV:
    case WEFT_OP_CHAN_CLOSE:
    case WEFT_OP_SELECT:
        return "ch";
    case WEFT_OP_MUTEX_LOCK:
    case WEFT_OP_MUTEX_UNLOCK:
        return "mutex";
    case WEFT_OP_RWMUTEX_RLOCK:
    case WEFT_OP_RWMUTEX_RUNLOCK:
    case WEFT_OP_RWMUTEX_LOCK:
    case WEFT_OP_RWMUTEX_UNLOCK:
        return "rwmutex";
    case WEFT_OP_WAITGROUP_ADD:
    case WEFT_OP_WAITGROUP_WAIT:
    case WEFT_OP_WAITGROUP_DONE:
        return "wg";
    case WEFT_OP_COND_WAIT:
    case WEFT_OP_COND_SIGNAL:
    case WEFT_OP_COND_BROADCAST:
        return "cond";
    case WEFT_OP_ONCE:
        return "once";
    case WEFT_OP_NET_ACCEPT:
    case WEFT_OP_NET_READ:
    case WEFT_OP_NET_WRITE:
    case WEFT_OP_NET_CLOSE:
        return "net";
    default:
        return "object";
    }
}

void trace_point(struct goroutine *g, enum weft_op op, uint64_t object)
{
    fprintf(rt.trace, "%llu g%llu %s", (unsigned long long)rt.step,
            (unsigned long long)g->id, weft_op_name(op));
    if (object)
        fprintf(rt.trace, " %s#%llu", object_kind(op),
                (unsigned long long)object);
    if (rt.trace_locations) {
        uintptr_t pcs[STACK_MAX_FRAMES];
        size_t count = stack_capture(pcs, STACK_MAX_FRAMES, 0);
        struct symbol where;
        if (stack_first_user_frame(pcs, count, &where))
            fprintf(rt.trace, " @ %s:%d", where.file, where.line);
    }
    fputc('\n', rt.trace);
}

/* O(count): every option named, so only while tracing. */
void trace_choice(const struct weft_choice *choice, size_t chosen)
{
    fprintf(rt.trace, "  choose %s [", choice_names[choice->kind]);
    const char *prefix = option_prefixes[choice->kind];
    for (size_t i = 0; i < choice->count; i++)
        fprintf(rt.trace, "%s%s%llu", i ? " " : "", prefix,
                (unsigned long long)weft_choice_option(choice, i).id);
    fprintf(rt.trace, "] -> %s%llu\n", prefix,
            (unsigned long long)weft_choice_option(choice, chosen).id);
}

void trace_preempted(struct goroutine *g, const char *what)
{
    fprintf(rt.trace, "  g%llu %s\n", (unsigned long long)g->id, what);
}
