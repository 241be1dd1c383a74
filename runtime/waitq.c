/*
 * Wait queues: intrusive doubly linked FIFOs of waiters that live on the
 * waiting goroutines' stacks. Waking a waiter that is one case of a select
 * fires that select: its other cases leave their queues at once, so a select
 * is woken exactly once.
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

struct waiter *waitq_pop(struct weft_waitq *q)
{
    struct waiter *w = q->head;
    if (w)
        waitq_remove(w);
    return w;
}

/* Makes w's goroutine runnable; for a select, withdraws its other cases. */
void waiter_wake(struct waiter *w)
{
    struct goroutine *g = w->g;
    if (w->select)
        select_withdraw(w);
    g->fired = w;
    ready(g);
}

void waitq_park(struct weft_waitq *q, enum wait_reason reason)
{
    struct waiter w = {.g = ws.current};
    waitq_push(q, &w);
    park(reason);
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
