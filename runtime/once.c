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

/* Under the runtime's lock. */
static void once_complete(weft_once *o)
{
    o->state = ONCE_DONE;
    DETECT(release, o);
    wake_all(&o->waiters);
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
    if (o->state == ONCE_DONE) {
        DETECT(acquire, o);
        RT_UNLOCK();
        return;
    }
    if (o->state == ONCE_RUNNING) {
        waitq_park(&o->waiters, WAIT_ONCE);
        DETECT(acquire, o);
        RT_UNLOCK();
        return;
    }
    o->state = ONCE_RUNNING;
    struct goroutine *g = ws.current;
    struct once_running running = {{g->exit_hooks, once_complete_at_exit}, o};
    g->exit_hooks = &running.hook;
    RT_UNLOCK(); /* fn is the user's code */
    fn(arg);
    RT_LOCK();
    g->exit_hooks = running.hook.next;
    once_complete(o);
    RT_UNLOCK();
}
