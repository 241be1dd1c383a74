/*
 * Once. Callers that arrive while fn runs park until it completes. fn
 * completes when it returns or when it ends its goroutine (weft_exit, Go's
 * runtime.Goexit, which runs doSlow's deferred unlock): either way the Once
 * is done and its waiters wake; fn never runs again.
 * Detector: the completion of fn HB every return of once_do.
 */
#include "parallel.h"

enum { ONCE_NOT_RUN, ONCE_RUNNING, ONCE_DONE };

struct once_running {
    struct exit_hook hook; /* first: the hook is the record */
    weft_once *once;
};

static void once_complete(weft_once *o)
{
    OBJECT_LOCK(&o->guard);
    o->state = ONCE_DONE;
    DETECT(release, o);
    wake_all(&o->waiters);
    OBJECT_UNLOCK(&o->guard);
}

static void once_complete_at_exit(struct exit_hook *hook)
{
    once_complete(((struct once_running *)hook)->once);
}

void weft_once_do(weft_once *o, weft_fn fn, void *arg)
{
    PANIC_IF_NIL(o, "once");
    PANIC_IF_NIL(fn, "function");
    sched_point(WEFT_OP_ONCE, &o->id);
    OBJECT_LOCK(&o->guard);
    if (o->state == ONCE_DONE) {
        OBJECT_UNLOCK(&o->guard);
        DETECT(acquire, o);
        return;
    }
    if (o->state == ONCE_RUNNING) {
        waitq_park(&o->waiters, WAIT_ONCE, &o->guard);
        DETECT(acquire, o);
        return;
    }
    o->state = ONCE_RUNNING;
    OBJECT_UNLOCK(&o->guard); /* fn is the user's code */
    struct goroutine *g = ws.current;
    struct once_running running = {{g->exit_hooks, once_complete_at_exit}, o};
    g->exit_hooks = &running.hook;
    fn(arg);
    g->exit_hooks = running.hook.next;
    once_complete(o);
}
