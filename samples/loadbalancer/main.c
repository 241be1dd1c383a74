/*
 * The simple load balancer from "Concurrency is not parallelism": workers
 * read Work from `in`, compute, sleep as long as the result says (so the
 * others run meanwhile), and write it to `out`; one goroutine sends lots of
 * work, the test receives lots of results. No locks: the channels are the
 * only synchronisation, and the design is correct whatever the number of
 * workers — each test checks every result arrives exactly once.
 */
#include <weft.h>

struct work {
    int x, y, z;
};

WEFT_CHAN_TYPE(work_chan, struct work *)

enum { WORK_ITEMS = 12 };

struct lines {
    work_chan *in, *out;
    weft_waitgroup workers;
};

/* Other workers run when one blocks (in its sleep, or on out). */
static void worker(void *arg)
{
    struct lines *lines = arg;
    struct work *w;
    weft_chan_range (work_chan_chan(lines->in), w) {
        w->z = w->x * w->y;
        weft_sleep(w->z * WEFT_MILLISECOND);
        work_chan_send(lines->out, w);
    }
    weft_waitgroup_done(&lines->workers);
}

struct batch {
    struct work items[WORK_ITEMS];
    work_chan *in;
};

static void send_lots_of_work(void *arg)
{
    struct batch *batch = arg;
    for (int i = 0; i < WORK_ITEMS; i++)
        work_chan_send(batch->in, &batch->items[i]);
    work_chan_close(batch->in); /* so the workers' loops end */
}

static void receive_lots_of_results(struct batch *batch, work_chan *out)
{
    int received[WORK_ITEMS] = {0};
    for (int i = 0; i < WORK_ITEMS; i++) {
        struct work *w = work_chan_recv(out);
        int item = (int)(w - batch->items);
        weft_assert(item >= 0 && item < WORK_ITEMS, "foreign result %p",
                    (void *)w);
        weft_assert(w->z == w->x * w->y, "work %d: %d * %d gave %d", item, w->x,
                    w->y, w->z);
        received[item]++;
    }
    for (int i = 0; i < WORK_ITEMS; i++)
        weft_assert(received[i] == 1, "result %d arrived %d times", i,
                    received[i]);
}

static void run(int workers)
{
    struct lines lines = {work_chan_make(0), work_chan_make(0), {0}};
    struct batch batch = {.in = lines.in};
    for (int i = 0; i < WORK_ITEMS; i++)
        batch.items[i] = (struct work){i % 4 + 1, i % 3 + 1, 0};
    weft_waitgroup_add(&lines.workers, workers);
    for (int i = 0; i < workers; i++)
        weft_go(worker, &lines);
    weft_go(send_lots_of_work, &batch);
    receive_lots_of_results(&batch, lines.out);
    weft_waitgroup_wait(&lines.workers); /* before freeing their channels */
    work_chan_free(lines.in);
    work_chan_free(lines.out);
}

WEFT_TEST(one_worker)
{
    run(1);
}

WEFT_TEST(three_workers)
{
    run(3);
}

WEFT_TEST(more_workers_than_work)
{
    run(WORK_ITEMS + 4);
}
