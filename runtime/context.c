/*
 * context: cancellation scopes with deadlines and values, as Go's.
 *
 * Invariants:
 *  - Every context but the background holds a reference to its parent, so
 *    values and deadlines can always be looked up the chain; the caller
 *    holds one reference, dropped by weft_context_free, and a started
 *    deadline timer one, dropped when it fires or is stopped.
 *  - A cancellable context is linked into the children of its nearest
 *    cancellable ancestor until either is cancelled; cancelling walks that
 *    tree, closing each done channel once.
 *  - A value context is not cancellable itself: it reports the done channel
 *    and error of its nearest cancellable ancestor.
 *
 * Parallel mode, as Go's cancelCtx: each context's lock guards its err, its
 * children list and their links; err is also read without it (an atomic
 * load: it changes once). Cancelling holds a context's lock while it
 * cancels its children (parent before child), each of which it keeps by a
 * reference meanwhile (its user may free it once unlinked). Timers are
 * stopped only once no context's lock is held (a deadline fires outside
 * its heap's lock and takes contexts' locks), from a list the cancel
 * gathers. Lock order: a context's, its children's, a done channel's.
 */
#include <stdlib.h>

#include "chan.h"
#include "parallel.h"
#include "saturate.h"

struct weft_context {
    weft_context *parent;
    unsigned references; /* atomic */
    bool cancellable;
    uint32_t lock; /* parallel mode: err, children, the children's links */
    enum weft_context_err err;
    weft_chan *done;
    weft_context *cancel_parent; /* whose children we are in */
    weft_context *children, *prev_sibling, *next_sibling;
    weft_context *stop_next; /* in a cancel's list of timers to stop */
    bool has_deadline;
    int64_t deadline_ns;
    struct timer timer; /* timer.fn is set once it is started */
    const void *key;
    void *value;
    bool has_value;
};

static weft_context background = {.references = 1};

weft_context *weft_context_background(void)
{
    return &background;
}

static void context_retain(weft_context *ctx)
{
    __atomic_add_fetch(&ctx->references, 1, __ATOMIC_RELAXED);
}

static void context_release(weft_context *ctx)
{
    while (ctx != &background &&
           __atomic_sub_fetch(&ctx->references, 1, __ATOMIC_ACQ_REL) == 0) {
        weft_context *parent = ctx->parent;
        chan_destroy(ctx->done);
        free(ctx);
        ctx = parent;
    }
}

static enum weft_context_err err_of(weft_context *ctx)
{
    return __atomic_load_n(&ctx->err, __ATOMIC_ACQUIRE);
}

static weft_context *context_new(weft_context *parent)
{
    runtime_init_if_needed(); /* it may be the program's first weft call */
    if (!parent)              /* Go's message */
        runtime_panic("cannot create context from nil parent");
    weft_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        runtime_panic("context: out of memory");
    ctx->parent = parent;
    ctx->references = 1;
    context_retain(parent);
    return ctx;
}

static weft_context *nearest_cancellable(weft_context *ctx)
{
    while (ctx && !ctx->cancellable)
        ctx = ctx->parent;
    return ctx;
}

/* Under the lock of ctx->cancel_parent. */
static void unlink_child(weft_context *ctx)
{
    weft_context *parent = ctx->cancel_parent;
    if (ctx->prev_sibling)
        ctx->prev_sibling->next_sibling = ctx->next_sibling;
    else
        parent->children = ctx->next_sibling;
    if (ctx->next_sibling)
        ctx->next_sibling->prev_sibling = ctx->prev_sibling;
    ctx->cancel_parent = ctx->prev_sibling = ctx->next_sibling = NULL;
}

/* Cancels ctx and its subtree, holding each one's lock while it cancels
 * its children; those with a timer go on *stops, with a reference. */
static void cancel_subtree(weft_context *ctx, enum weft_context_err err,
                           weft_context **stops)
{
    OBJECT_LOCK(&ctx->lock);
    if (ctx->err) {
        OBJECT_UNLOCK(&ctx->lock);
        return;
    }
    __atomic_store_n(&ctx->err, err, __ATOMIC_RELEASE);
    chan_close(ctx->done);
    if (ctx->timer.fn) {
        context_retain(ctx);
        ctx->stop_next = *stops;
        *stops = ctx;
    }
    while (ctx->children) {
        weft_context *child = ctx->children;
        unlink_child(child);
        context_retain(child);
        cancel_subtree(child, err, stops);
        context_release(child);
    }
    OBJECT_UNLOCK(&ctx->lock);
}

/* Leaves the children of the ancestor it is linked under, if still. */
static void detach_from_parent(weft_context *ctx)
{
    weft_context *ancestor = nearest_cancellable(ctx->parent);
    if (!ancestor)
        return;
    OBJECT_LOCK(&ancestor->lock);
    if (ctx->cancel_parent == ancestor)
        unlink_child(ctx);
    OBJECT_UNLOCK(&ancestor->lock);
}

/* A started deadline timer stopped before it fired gives its reference
 * back. No context's lock is held. */
static void stop_timer(weft_context *ctx)
{
    if (ctx->timer.fn && timer_cancel(&ctx->timer))
        context_release(ctx);
}

static void context_cancel(weft_context *ctx, enum weft_context_err err)
{
    if (!ctx->cancellable)
        return;
    weft_context *stops = NULL;
    cancel_subtree(ctx, err, &stops);
    detach_from_parent(ctx);
    while (stops) {
        weft_context *next = stops->stop_next;
        stop_timer(stops);
        context_release(stops);
        stops = next;
    }
}

/* A deadline timer's function: outside any lock. */
static void deadline_passed(void *arg)
{
    weft_context *ctx = arg;
    context_cancel(ctx, WEFT_CONTEXT_DEADLINE_EXCEEDED);
    context_release(ctx); /* the timer's */
}

static weft_context *with_cancel(weft_context *parent)
{
    weft_context *ctx = context_new(parent);
    ctx->cancellable = true;
    ctx->done = weft_chan_make(0, 0);
    weft_context *ancestor = nearest_cancellable(parent);
    if (!ancestor)
        return ctx;
    OBJECT_LOCK(&ancestor->lock);
    enum weft_context_err err = ancestor->err;
    if (!err) {
        ctx->cancel_parent = ancestor;
        ctx->next_sibling = ancestor->children;
        if (ancestor->children)
            ancestor->children->prev_sibling = ctx;
        ancestor->children = ctx;
    }
    OBJECT_UNLOCK(&ancestor->lock);
    if (err)
        context_cancel(ctx, err);
    return ctx;
}

static bool deadline_of(weft_context *ctx, int64_t *deadline_ns)
{
    for (; ctx; ctx = ctx->parent)
        if (ctx->has_deadline) {
            *deadline_ns = ctx->deadline_ns;
            return true;
        }
    return false;
}

static weft_context *with_deadline(weft_context *parent, int64_t deadline_ns)
{
    int64_t inherited;
    weft_context *ctx = with_cancel(parent);
    if (deadline_of(parent, &inherited) && inherited <= deadline_ns)
        return ctx; /* the parent's earlier deadline already applies */
    ctx->has_deadline = true;
    ctx->deadline_ns = deadline_ns;
    if (deadline_ns <= clock_now()) {
        context_cancel(ctx, WEFT_CONTEXT_DEADLINE_EXCEEDED);
        return ctx;
    }
    /* an ancestor's cancel may reach it from now on: it reads timer.fn */
    OBJECT_LOCK(&ctx->lock);
    bool start = !ctx->err;
    if (start) {
        ctx->timer.when = deadline_ns;
        ctx->timer.arg = ctx;
        ctx->timer.fn = deadline_passed;
        context_retain(ctx); /* the timer's */
    }
    OBJECT_UNLOCK(&ctx->lock);
    if (start)
        timer_start(&ctx->timer);
    return ctx;
}

weft_context *weft_context_with_cancel(weft_context *parent)
{
    runtime_init_if_needed();
    return with_cancel(parent);
}

weft_context *weft_context_with_deadline(weft_context *parent,
                                         int64_t deadline_ns)
{
    runtime_init_if_needed();
    return with_deadline(parent, deadline_ns);
}

weft_context *weft_context_with_timeout(weft_context *parent,
                                        int64_t timeout_ns)
{
    return weft_context_with_deadline(parent,
                                      add_saturating(weft_now(), timeout_ns));
}

weft_context *weft_context_with_value(weft_context *parent, const void *key,
                                      void *value)
{
    runtime_init_if_needed();
    weft_context *ctx = context_new(parent);
    ctx->key = key;
    ctx->value = value;
    ctx->has_value = true;
    return ctx;
}

void weft_context_cancel(weft_context *ctx)
{
    PANIC_IF_NIL(ctx, "context");
    sched_point(WEFT_OP_CHAN_CLOSE, ctx->done ? &ctx->done->id : NULL);
    context_cancel(ctx, WEFT_CONTEXT_CANCELED);
    stop_timer(ctx); /* already cancelled by an ancestor, it may still run */
}

void weft_context_free(weft_context *ctx)
{
    if (!ctx || ctx == &background)
        return;
    weft_context_cancel(ctx);
    context_release(ctx);
}

weft_chan *weft_context_done(weft_context *ctx)
{
    PANIC_IF_NIL(ctx, "context");
    weft_context *c = nearest_cancellable(ctx);
    return c ? c->done : NULL;
}

enum weft_context_err weft_context_err(weft_context *ctx)
{
    PANIC_IF_NIL(ctx, "context");
    weft_context *c = nearest_cancellable(ctx);
    return c ? err_of(c) : WEFT_CONTEXT_OK;
}

const char *weft_context_err_string(enum weft_context_err err)
{
    switch (err) {
    case WEFT_CONTEXT_CANCELED:
        return "context canceled";
    case WEFT_CONTEXT_DEADLINE_EXCEEDED:
        return "context deadline exceeded";
    default:
        return NULL;
    }
}

bool weft_context_deadline(weft_context *ctx, int64_t *deadline_ns)
{
    PANIC_IF_NIL(ctx, "context");
    return deadline_of(ctx, deadline_ns); /* fixed when ctx was made */
}

void *weft_context_value(weft_context *ctx, const void *key)
{
    PANIC_IF_NIL(ctx, "context");
    for (; ctx; ctx = ctx->parent)
        if (ctx->has_value && ctx->key == key)
            return ctx->value;
    return NULL;
}
