/*
 * Context cancellation, from the notes: a request handler runs in its own
 * goroutine and spawns workers (a database call, an RPC, ...). When the
 * request times out, or the client goes away and cancels it, every worker
 * must stop as soon as possible. The handler derives one context for the
 * request; each worker selects on its done channel between steps, and the
 * handler waits for them all before it returns, so none is left behind
 * (weft test would report a leak).
 */
#include <weft.h>

WEFT_CHAN_TYPE(int_chan, int)

enum { WORKERS = 4, STEPS = 3 };

struct job {
    weft_context *ctx;
    int id;
    int64_t step_ns; /* how long each step takes */
    int_chan *results;
    weft_waitgroup *running;
    bool stopped_early;
};

/* Works in steps, giving up between two if the request is done. */
static void work(void *arg)
{
    struct job *job = arg;
    int done_steps = 0;
    while (done_steps < STEPS) {
        weft_chan *step = weft_after(job->step_ns);
        struct weft_case cases[] = {
            WEFT_RECV_CASE(step, NULL),
            WEFT_RECV_CASE(weft_context_done(job->ctx), NULL),
        };
        int chosen = weft_select(cases, 2);
        weft_chan_free(step);
        if (chosen == 1)
            break;
        done_steps++;
    }
    job->stopped_early = done_steps < STEPS;
    if (!job->stopped_early)
        int_chan_send(job->results, job->id); /* buffered: never blocks */
    weft_waitgroup_done(job->running);
}

struct reply {
    int results;
    enum weft_context_err err;
};

/* Handles a request under parent, giving it at most timeout_ns. */
static struct reply handle(weft_context *parent, int64_t timeout_ns,
                           struct job jobs[WORKERS])
{
    weft_context *ctx = weft_context_with_timeout(parent, timeout_ns);
    int_chan *results = int_chan_make(WORKERS);
    weft_waitgroup running = {0};
    weft_waitgroup_add(&running, WORKERS);
    for (int i = 0; i < WORKERS; i++) {
        /* worker i needs (i + 1) * 30 ms in all */
        jobs[i] = (struct job){
            ctx, i, (i + 1) * 10 * WEFT_MILLISECOND, results, &running, false};
        weft_go(work, &jobs[i]);
    }

    struct reply reply = {0, WEFT_CONTEXT_OK};
    while (reply.results < WORKERS) {
        struct weft_case cases[] = {
            WEFT_RECV_CASE(int_chan_chan(results), NULL),
            WEFT_RECV_CASE(weft_context_done(ctx), NULL),
        };
        if (weft_select(cases, 2) == 1) {
            reply.err = weft_context_err(ctx);
            break;
        }
        reply.results++;
    }
    weft_context_cancel(ctx); /* stop whoever is still working */
    weft_waitgroup_wait(&running);
    weft_context_free(ctx); /* only now: the workers select on its channel */
    int_chan_free(results);
    return reply;
}

static int stopped_early(const struct job jobs[WORKERS])
{
    int stopped = 0;
    for (int i = 0; i < WORKERS; i++)
        stopped += jobs[i].stopped_early;
    return stopped;
}

WEFT_TEST(request_completes)
{
    struct job jobs[WORKERS];
    struct reply reply = handle(weft_context_background(), WEFT_SECOND, jobs);
    weft_assert(reply.err == WEFT_CONTEXT_OK, "%s",
                weft_context_err_string(reply.err));
    weft_assert(reply.results == WORKERS, "%d results", reply.results);
    weft_assert(stopped_early(jobs) == 0, "%d stopped", stopped_early(jobs));
}

WEFT_TEST(request_times_out)
{
    struct job jobs[WORKERS];
    /* after 50 ms only the 30 ms worker has finished */
    struct reply reply =
        handle(weft_context_background(), 50 * WEFT_MILLISECOND, jobs);
    weft_assert(reply.err == WEFT_CONTEXT_DEADLINE_EXCEEDED, "err: %s",
                weft_context_err_string(reply.err));
    weft_assert(reply.results == 1, "%d results", reply.results);
    weft_assert(stopped_early(jobs) == WORKERS - 1, "%d stopped",
                stopped_early(jobs));
}

struct client {
    weft_context *ctx;
    struct job jobs[WORKERS];
    struct reply reply;
    weft_waitgroup handled;
};

static void serve(void *arg)
{
    struct client *c = arg;
    c->reply = handle(c->ctx, WEFT_SECOND, c->jobs);
    weft_waitgroup_done(&c->handled);
}

WEFT_TEST(client_cancels)
{
    struct client c = {.ctx =
                           weft_context_with_cancel(weft_context_background())};
    weft_waitgroup_add(&c.handled, 1);
    weft_go(serve, &c);
    weft_sleep(70 * WEFT_MILLISECOND); /* the client gives up */
    weft_context_cancel(c.ctx);
    weft_waitgroup_wait(&c.handled);
    weft_assert(c.reply.err == WEFT_CONTEXT_CANCELED, "err: %s",
                weft_context_err_string(c.reply.err));
    /* after 70 ms the 30 and 60 ms workers have finished */
    weft_assert(c.reply.results == 2, "%d results", c.reply.results);
    weft_assert(stopped_early(c.jobs) == WORKERS - 2, "%d stopped",
                stopped_early(c.jobs));
    weft_context_free(c.ctx);
}
