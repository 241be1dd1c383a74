/*
 * Pipelines and fan-out/fan-in, from the notes: generate -> square -> sum,
 * stages connected by channels, each stage a goroutine. The square stage is
 * the slow one, so it is fanned out: several workers read from the same
 * channel, and merge fans their output channels back into one.
 *
 * Each stage owns the channel it returns: it writes to it and closes it when
 * done, so the next stage's range loop ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

WEFT_CHAN_TYPE(int_chan, int)

struct generator {
    int count;
    int_chan *out;
};

static void generate_numbers(void *arg)
{
    struct generator *g = arg;
    for (int i = 1; i <= g->count; i++)
        int_chan_send(g->out, i);
    int_chan_close(g->out);
    free(g);
}

/* Stage 1: the numbers 1..count. */
static int_chan *generate(int count)
{
    struct generator *g = malloc(sizeof *g);
    *g = (struct generator){count, int_chan_make(0)};
    int_chan *out = g->out;
    weft_go(generate_numbers, g);
    return out;
}

struct stage {
    int_chan *in, *out;
};

static void square_numbers(void *arg)
{
    struct stage *s = arg;
    int v;
    weft_chan_range (int_chan_chan(s->in), v)
        int_chan_send(s->out, v * v);
    int_chan_close(s->out);
    free(s);
}

/* Stage 2: the square of each number from in. */
static int_chan *square(int_chan *in)
{
    struct stage *s = malloc(sizeof *s);
    *s = (struct stage){in, int_chan_make(0)};
    int_chan *out = s->out;
    weft_go(square_numbers, s);
    return out;
}

struct forwarder {
    int_chan *in, *out;
    weft_waitgroup *forwarding;
};

static void forward(void *arg)
{
    struct forwarder *f = arg;
    int v;
    weft_chan_range (int_chan_chan(f->in), v)
        int_chan_send(f->out, v);
    weft_waitgroup_done(f->forwarding);
}

struct merger {
    struct forwarder *forwarders;
    size_t count;
    weft_waitgroup forwarding;
    int_chan *out;
};

/* Closes the merged channel once every input is drained. */
static void close_when_drained(void *arg)
{
    struct merger *m = arg;
    weft_waitgroup_wait(&m->forwarding);
    int_chan_close(m->out);
    for (size_t i = 0; i < m->count; i++)
        int_chan_free(m->forwarders[i].in);
    free(m->forwarders);
    free(m);
}

/* Fan-in: one channel carrying every value of ins, in arrival order. */
static int_chan *merge(int_chan **ins, size_t count)
{
    struct merger *m = malloc(sizeof *m);
    *m = (struct merger){calloc(count, sizeof *m->forwarders), count,
                         (weft_waitgroup){0}, int_chan_make(0)};
    int_chan *out = m->out;
    weft_waitgroup_add(&m->forwarding, (int64_t)count);
    for (size_t i = 0; i < count; i++) {
        m->forwarders[i] = (struct forwarder){ins[i], out, &m->forwarding};
        weft_go(forward, &m->forwarders[i]);
    }
    weft_go(close_when_drained, m);
    return out;
}

int main(int argc, char **argv)
{
    int workers = argc > 1 ? atoi(argv[1]) : 4;
    int count = argc > 2 ? atoi(argv[2]) : 100;
    if (argc > 3 || workers < 1 || count < 0) {
        fprintf(stderr, "usage: pipeline [WORKERS>=1] [COUNT>=0]\n");
        return 2;
    }
    int_chan *numbers = generate(count);
    /* Fan-out: every worker reads from the same channel. */
    int_chan **squares = calloc((size_t)workers, sizeof *squares);
    for (int i = 0; i < workers; i++)
        squares[i] = square(numbers);

    long sum = 0;
    int v;
    int_chan *merged = merge(squares, (size_t)workers);
    weft_chan_range (int_chan_chan(merged), v)
        sum += v;
    printf("sum of squares 1..%d over %d workers: %ld\n", count, workers, sum);
    int_chan_free(merged);
    int_chan_free(numbers);
    free(squares);
    return 0;
}
