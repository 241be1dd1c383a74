/*
 * Port of $GOROOT/test/chan/fifo.go (Go 1.19): buffered and unbuffered
 * channels act as pure FIFOs. Ported whole, same N.
 */
#include "go_test.h"

enum { N = 10 };

static void asynch_fifo(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), N);
    for (int i = 0; i < N; i++)
        weft_chan_send(ch, &i);
    for (int i = 0; i < N; i++) {
        int v;
        weft_chan_recv(ch, &v);
        go_check(v == i, "bad receive: %d, want %d", v, i);
    }
    weft_chan_free(ch);
}

struct chain_link {
    weft_chan *ch, *in, *out;
    int val;
};

static void chain(void *arg)
{
    struct chain_link *link = arg;
    weft_chan_recv(link->in, NULL);
    int v;
    weft_chan_recv(link->ch, &v);
    go_check(v == link->val, "chain %d received %d", link->val, v);
    weft_chan_send(link->out, &(int){1});
}

/* thread together a daisy chain to read the elements in sequence */
static void synch_fifo(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 0);
    weft_chan *in = weft_chan_make(sizeof(int), 0);
    weft_chan *start = in;
    struct chain_link links[N];
    for (int i = 0; i < N; i++) {
        weft_chan *out = weft_chan_make(sizeof(int), 0);
        links[i] = (struct chain_link){ch, in, out, i};
        weft_go(chain, &links[i]);
        in = out;
    }
    weft_chan_send(start, &(int){0});
    for (int i = 0; i < N; i++)
        weft_chan_send(ch, &i);
    weft_chan_recv(in, NULL);
}

GO_TEST(fifo)
{
    asynch_fifo();
    synch_fifo();
}
