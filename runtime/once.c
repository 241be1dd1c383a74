/*
 * Once. Callers that arrive while fn runs park until it completes.
 * Detector: the completion of fn HB every return of once_do.
 */
#include "parallel.h"

enum { ONCE_NOT_RUN, ONCE_RUNNING, ONCE_DONE };

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
    RT_UNLOCK(); /* fn is the user's code */
    fn(arg);
    RT_LOCK();
    o->state = ONCE_DONE;
    DETECT(release, o);
    wake_all(&o->waiters);
    RT_UNLOCK();
}
