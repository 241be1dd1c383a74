/*
 * context: cancellation scopes with deadlines and values, as Go's.
 *
 * Invariants:
 *  - Every context but the background holds a reference to its parent, so
 *    values and deadlines can always be looked up the chain; the caller
 *    holds one reference, dropped by weft_context_free.
 *  - A cancellable context is linked into the children of its nearest
 *    cancellable ancestor until either is cancelled; cancelling walks that
 *    tree, closing each done channel once.
 *  - A value context is not cancellable itself: it reports the done channel
 *    and error of its nearest cancellable ancestor.
 */
#include <stdlib.h>

#include "chan.h"
#include "parallel.h"
#include "saturate.h"

struct weft_context {
    weft_context *parent;
    unsigned references;
    bool cancellable;
    enum weft_context_err err;
    weft_chan *done;
    weft_context *cancel_parent; /* whose children we are in */
    weft_context *children, *prev_sibling, *next_sibling;
    bool has_deadline;
    int64_t deadline_ns;
    struct timer timer;
    const void *key;
    void *value;
    bool has_value;
};

static weft_context background = {.references = 1};

weft_context *weft_context_background(void)
{
    return &background;
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
    ctx->timer.heap_index = TIMER_INACTIVE;
    parent->references++;
    return ctx;
}

static weft_context *nearest_cancellable(weft_context *ctx)
{
    while (ctx && !ctx->cancellable)
        ctx = ctx->parent;
    return ctx;
}

static void unlink_child(weft_context *ctx)
{
    weft_context *parent = ctx->cancel_parent;
    if (!parent)
        return;
    if (ctx->prev_sibling)
        ctx->prev_sibling->next_sibling = ctx->next_sibling;
    else
        parent->children = ctx->next_sibling;
    if (ctx->next_sibling)
        ctx->next_sibling->prev_sibling = ctx->prev_sibling;
    ctx->cancel_parent = ctx->prev_sibling = ctx->next_sibling = NULL;
}

static void context_cancel(weft_context *ctx, enum weft_context_err err)
{
    if (!ctx->cancellable || ctx->err)
        return;
    ctx->err = err;
    timer_cancel(&ctx->timer);
    chan_close(ctx->done);
    while (ctx->children) {
        weft_context *child = ctx->children;
        unlink_child(child);
        context_cancel(child, err);
    }
    unlink_child(ctx);
}

static void deadline_passed(void *ctx)
{
    context_cancel(ctx, WEFT_CONTEXT_DEADLINE_EXCEEDED);
}

/* The public functions below take the runtime's lock in parallel mode;
 * these work under it. */
static weft_context *with_cancel(weft_context *parent)
{
    weft_context *ctx = context_new(parent);
    ctx->cancellable = true;
    ctx->done = weft_chan_make(0, 0);
    weft_context *ancestor = nearest_cancellable(parent);
    if (!ancestor)
        return ctx;
    if (ancestor->err) {
        context_cancel(ctx, ancestor->err);
        return ctx;
    }
    ctx->cancel_parent = ancestor;
    ctx->next_sibling = ancestor->children;
    if (ancestor->children)
        ancestor->children->prev_sibling = ctx;
    ancestor->children = ctx;
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
    if (ctx->err)
        return ctx;
    if (deadline_ns <= clock_now()) {
        context_cancel(ctx, WEFT_CONTEXT_DEADLINE_EXCEEDED);
        return ctx;
    }
    ctx->timer.when = deadline_ns;
    ctx->timer.fn = deadline_passed;
    ctx->timer.arg = ctx;
    timer_start(&ctx->timer);
    return ctx;
}

weft_context *weft_context_with_cancel(weft_context *parent)
{
    runtime_init_if_needed();
    RT_LOCK();
    weft_context *ctx = with_cancel(parent);
    RT_UNLOCK();
    return ctx;
}

weft_context *weft_context_with_deadline(weft_context *parent,
                                         int64_t deadline_ns)
{
    runtime_init_if_needed();
    RT_LOCK();
    weft_context *ctx = with_deadline(parent, deadline_ns);
    RT_UNLOCK();
    return ctx;
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
    RT_LOCK();
    weft_context *ctx = context_new(parent);
    ctx->key = key;
    ctx->value = value;
    ctx->has_value = true;
    RT_UNLOCK();
    return ctx;
}

void weft_context_cancel(weft_context *ctx)
{
    PANIC_IF_NIL(ctx, "context");
    sched_point_rt(WEFT_OP_CHAN_CLOSE, ctx->done ? &ctx->done->id : NULL);
    context_cancel(ctx, WEFT_CONTEXT_CANCELED);
    RT_UNLOCK();
}

static void context_release(weft_context *ctx)
{
    while (ctx != &background && --ctx->references == 0) {
        weft_context *parent = ctx->parent;
        chan_destroy(ctx->done);
        free(ctx);
        ctx = parent;
    }
}

void weft_context_free(weft_context *ctx)
{
    if (!ctx || ctx == &background)
        return;
    weft_context_cancel(ctx);
    RT_LOCK();
    context_release(ctx);
    RT_UNLOCK();
}

weft_chan *weft_context_done(weft_context *ctx)
{
    PANIC_IF_NIL(ctx, "context");
    RT_LOCK();
    weft_context *c = nearest_cancellable(ctx);
    RT_UNLOCK();
    return c ? c->done : NULL;
}

enum weft_context_err weft_context_err(weft_context *ctx)
{
    PANIC_IF_NIL(ctx, "context");
    RT_LOCK();
    weft_context *c = nearest_cancellable(ctx);
    enum weft_context_err err = c ? c->err : WEFT_CONTEXT_OK;
    RT_UNLOCK();
    return err;
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
