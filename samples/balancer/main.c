/*
 * Pike's load balancer from "Concurrency is not parallelism": requesters
 * send requests to a balancer, which hands each to the least loaded worker
 * (a heap ordered by pending work, pool.c) and hears back when a worker has
 * finished one. Each request carries its own reply channel, so the answer
 * goes straight to its requester.
 *
 * Go's version runs forever; this one shuts down in order: the requesters
 * finish, the test closes `work`, the balancer waits for the work in flight,
 * then closes the workers' queues.
 */
#include <stdlib.h>
#include <weft.h>

#include "pool.h"

WEFT_CHAN_TYPE(int_chan, int)

struct request {
    int (*fn)(int); /* the operation to perform */
    int arg;
    int_chan *reply; /* the channel to return the result on */
};

WEFT_CHAN_TYPE(request_chan, struct request)
WEFT_CHAN_TYPE(worker_chan, struct worker *)

enum { REQUESTS_EACH = 3 };

/* The work: takes a while, which workers overlap. */
static int slow_square(int x)
{
    weft_sleep((x % 3 + 1) * WEFT_MILLISECOND);
    return x * x;
}

struct requester {
    int id;
    request_chan *work;
    weft_waitgroup *requesting;
};

static void request_work(void *arg)
{
    struct requester *r = arg;
    int_chan *reply = int_chan_make(0);
    for (int k = 0; k < REQUESTS_EACH; k++) {
        /* kill some time (fake load), different for each requester */
        weft_sleep((r->id * 7 + k * 3) % 5 * WEFT_MILLISECOND);
        int x = r->id * 10 + k;
        request_chan_send(r->work, (struct request){slow_square, x, reply});
        int result = int_chan_recv(reply); /* wait for the answer */
        weft_assert(result == x * x,
                    "requester %d asked for %d squared, got %d", r->id, x,
                    result);
    }
    int_chan_free(reply);
    weft_waitgroup_done(r->requesting);
}

struct working {
    struct worker *self;
    worker_chan *done;
    weft_waitgroup *working;
};

/* Each reply goes straight to its requester; then tell the balancer. */
static void work_on_requests(void *arg)
{
    struct working *w = arg;
    struct request req;
    while (request_chan_recv_ok(w->self->requests, &req)) {
        int_chan_send(req.reply, req.fn(req.arg));
        worker_chan_send(w->done, w->self);
    }
    weft_waitgroup_done(w->working);
}

struct balancer {
    struct pool pool;
    worker_chan *done;
    int in_flight, dispatched;
};

/* Sends req to the least loaded worker. */
static void dispatch(struct balancer *b, struct request req)
{
    struct worker *w = pool_pop(&b->pool);
    for (size_t i = 0; i < b->pool.count; i++)
        weft_assert(w->pending <= b->pool.workers[i]->pending,
                    "dispatched to a worker with %d pending, not %d",
                    w->pending, b->pool.workers[i]->pending);
    request_chan_send(w->requests, req);
    w->pending++;
    pool_push(&b->pool, w);
    b->in_flight++;
    b->dispatched++;
}

/* A job is complete: move its worker to its new place in the heap. */
static void completed(struct balancer *b, struct worker *w)
{
    w->pending--;
    pool_remove(&b->pool, w->index);
    pool_push(&b->pool, w);
    b->in_flight--;
}

static void balance(struct balancer *b, request_chan *work)
{
    while (work || b->in_flight > 0) {
        struct request req;
        struct worker *w;
        struct weft_case cases[] = {
            /* a nil channel is never ready: once work is closed, only
             * completions are waited for */
            WEFT_RECV_CASE(work ? request_chan_chan(work) : NULL, &req),
            WEFT_RECV_CASE(worker_chan_chan(b->done), &w),
        };
        if (weft_select(cases, 2) == 1)
            completed(b, w);
        else if (cases[0].ok)
            dispatch(b, req);
        else
            work = NULL;
    }
}

struct closer {
    weft_waitgroup *requesting;
    request_chan *work;
};

/* The requesters are done: no more work will come. */
static void close_work_when_done(void *arg)
{
    struct closer *c = arg;
    weft_waitgroup_wait(c->requesting);
    request_chan_close(c->work);
}

static void run(int requesters, int workers)
{
    request_chan *work = request_chan_make(0);
    struct balancer b = {.done = worker_chan_make(0)};
    struct worker *pool = calloc((size_t)workers, sizeof *pool);
    struct working *working = calloc((size_t)workers, sizeof *working);
    struct requester *requesting =
        calloc((size_t)requesters, sizeof *requesting);
    b.pool.workers = calloc((size_t)workers, sizeof *b.pool.workers);
    weft_waitgroup workers_running = {0}, requesters_running = {0};

    weft_waitgroup_add(&workers_running, workers);
    for (int i = 0; i < workers; i++) {
        /* room for one request from every requester */
        pool[i].requests = request_chan_make((size_t)requesters);
        pool_push(&b.pool, &pool[i]);
        working[i] = (struct working){&pool[i], b.done, &workers_running};
        weft_go(work_on_requests, &working[i]);
    }
    weft_waitgroup_add(&requesters_running, requesters);
    for (int i = 0; i < requesters; i++) {
        requesting[i] = (struct requester){i, work, &requesters_running};
        weft_go(request_work, &requesting[i]);
    }
    struct closer closer = {&requesters_running, work};
    weft_go(close_work_when_done, &closer);

    balance(&b, work);

    weft_assert(b.dispatched == requesters * REQUESTS_EACH,
                "%d requests dispatched", b.dispatched);
    for (int i = 0; i < workers; i++) {
        weft_assert(pool[i].pending == 0, "worker %d: %d pending", i,
                    pool[i].pending);
        request_chan_close(pool[i].requests);
    }
    weft_waitgroup_wait(&workers_running);
    for (int i = 0; i < workers; i++)
        request_chan_free(pool[i].requests);
    worker_chan_free(b.done);
    request_chan_free(work);
    free(b.pool.workers);
    free(requesting);
    free(working);
    free(pool);
}

WEFT_TEST(more_requesters_than_workers)
{
    run(4, 3);
}

WEFT_TEST(more_workers_than_requesters)
{
    run(2, 5);
}
