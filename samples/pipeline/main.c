/*
 * Pipelines and fan-out/fan-in, from the notes: generate -> square -> sum,
 * with the square stage fanned out to several workers whose outputs are
 * merged into one channel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

WEFT_CHAN_TYPE(int_chan, int)

struct generator {
    int_chan *out;
    int count;
};

static void generate(void *arg)
{
    struct generator *g = arg;
    for (int i = 1; i <= g->count; i++)
        int_chan_send(g->out, i);
    int_chan_close(g->out);
}

struct square_stage {
    int_chan *in, *out;
    weft_waitgroup *done;
};

static void square(void *arg)
{
    struct square_stage *s = arg;
    int v;
    while (int_chan_recv_ok(s->in, &v))
        int_chan_send(s->out, v * v);
    weft_waitgroup_done(s->done);
}

struct closer {
    weft_waitgroup *workers;
    int_chan *merged;
};

/* Fan-in: close the merged channel once every worker has finished. */
static void close_when_done(void *arg)
{
    struct closer *c = arg;
    weft_waitgroup_wait(c->workers);
    int_chan_close(c->merged);
}

int main(int argc, char **argv)
{
    int workers = argc > 1 ? atoi(argv[1]) : 4;
    int count = argc > 2 ? atoi(argv[2]) : 100;
    if (workers < 1 || count < 0) {
        fprintf(stderr, "usage: pipeline [WORKERS>=1] [COUNT>=0]\n");
        return 2;
    }
    struct generator gen = {int_chan_make(0), count};
    int_chan *merged = int_chan_make(0);
    weft_waitgroup done = {0};
    struct square_stage *stages = calloc((size_t)workers, sizeof *stages);

    weft_go(generate, &gen);
    weft_waitgroup_add(&done, workers);
    for (int i = 0; i < workers; i++) {
        stages[i] = (struct square_stage){gen.out, merged, &done};
        weft_go(square, &stages[i]);
    }
    struct closer closer = {&done, merged};
    weft_go(close_when_done, &closer);

    long sum = 0;
    int v;
    while (int_chan_recv_ok(merged, &v))
        sum += v;
    printf("sum of squares 1..%d over %d workers: %ld\n", count, workers, sum);
    free(stages);
    return 0;
}
