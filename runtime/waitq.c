/*
 * Wait queues: intrusive doubly linked FIFOs of waiters that live on the
 * waiting goroutines' stacks, each under its object's lock in parallel
 * mode. Popping a waiter that is one case of a select claims that select
 * (select_claim), so a select is woken exactly once; its other cases leave
 * their queues at once in one thread, and when its goroutine runs again in
 * parallel mode (it holds only one channel's lock here).
 */
#include "runtime.h"

void waitq_push(struct weft_waitq *q, struct waiter *w)
{
    w->queue = q;
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail)
        ((struct waiter *)q->tail)->next = w;
    else
        q->head = w;
    q->tail = w;
}

void waitq_push_front(struct weft_waitq *q, struct waiter *w)
{
    w->queue = q;
    w->prev = NULL;
    w->next = q->head;
    if (q->head)
        ((struct waiter *)q->head)->prev = w;
    else
        q->tail = w;
    q->head = w;
}

void waitq_remove(struct waiter *w)
{
    struct weft_waitq *q = w->queue;
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->queue = NULL;
}

/* Whether w can still be woken: a case of a select another channel fired
 * already cannot (in parallel mode it stays queued until found here or
 * withdrawn by its goroutine; in one thread select_withdraw removes it at
 * once). */
static bool waiter_live(struct waiter *w)
{
    return !w->select || !select_fired(w);
}

struct waiter *waitq_pop(struct weft_waitq *q)
{
    struct waiter *w;
    while ((w = q->head)) {
        waitq_remove(w);
        if (!w->select || select_claim(w))
            return w;
    }
    return NULL;
}

bool waitq_drop_fired(struct weft_waitq *q)
{
    struct waiter *w;
    while ((w = q->head) && !waiter_live(w))
        waitq_remove(w);
    return w != NULL;
}

/* Makes w's goroutine runnable; w was popped (and a select's claimed). */
void waiter_wake(struct waiter *w)
{
    struct goroutine *g = w->g;
    if (w->select && !rt.parallel) /* its other cases leave now */
        select_withdraw(w);
    g->fired = w;
    ready(g);
}

void waitq_park(struct weft_waitq *q, enum wait_reason reason, uint32_t *lock)
{
    struct waiter w = {.g = ws.current};
    waitq_push(q, &w);
    park_releasing(reason, lock);
}

bool wake_one(struct weft_waitq *q)
{
    struct waiter *w = waitq_pop(q);
    if (!w)
        return false;
    waiter_wake(w);
    return true;
}

void wake_all(struct weft_waitq *q)
{
    while (wake_one(q))
        ;
}
