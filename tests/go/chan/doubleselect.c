/*
 * Port of $GOROOT/test/chan/doubleselect.go (Go 1.19): two cases of one
 * select must never both run. A sender selects over four channels, four
 * muxes forward to one channel, and the receiver checks no value arrives
 * twice. Scaled: 2000 iterations instead of 100000 (the -n flag's
 * default). Go's runtime.GOMAXPROCS(2) is the mode's setting here.
 */
#include <string.h>

#include "go_test.h"

enum { ITERATIONS = 2000 };

struct channels {
    weft_chan *c[4], *cmux, *done;
};

/* sends a counter to one of four channels: if two cases both ran in one
 * iteration, the same value would be sent on two channels */
static void sender(void *arg)
{
    struct channels *ch = arg;
    for (int i = 0; i < ITERATIONS; i++) {
        struct weft_case cases[4];
        for (int k = 0; k < 4; k++)
            cases[k] = WEFT_SEND_CASE(ch->c[k], &i);
        weft_select(cases, 4);
    }
    /* Go's deferred closes run in reverse order */
    for (int k = 3; k >= 0; k--)
        weft_chan_close(ch->c[k]);
}

struct mux {
    struct channels *ch;
    weft_chan *in;
};

/* forwards the values of one channel onto cmux */
static void mux(void *arg)
{
    struct mux *m = arg;
    int v;
    weft_chan_range (m->in, v) {
        weft_chan_send(m->ch->cmux, &v);
    }
    weft_chan_send(m->ch->done, &(bool){true});
}

static void close_when_done(void *arg)
{
    struct channels *ch = arg;
    for (int k = 0; k < 4; k++)
        weft_chan_recv(ch->done, NULL);
    weft_chan_close(ch->cmux);
}

static void recver(weft_chan *in)
{
    static bool seen[ITERATIONS];
    memset(seen, 0, sizeof seen);
    int v;
    weft_chan_range (in, v) {
        go_check(!seen[v], "got duplicate value: %d", v);
        seen[v] = true;
    }
}

GO_TEST(doubleselect)
{
    static struct channels ch;
    static struct mux muxes[4];
    for (int k = 0; k < 4; k++)
        ch.c[k] = weft_chan_make(sizeof(int), 0);
    ch.done = weft_chan_make(sizeof(bool), 0);
    ch.cmux = weft_chan_make(sizeof(int), 0);
    weft_go(sender, &ch);
    for (int k = 0; k < 4; k++) {
        muxes[k] = (struct mux){&ch, ch.c[k]};
        weft_go(mux, &muxes[k]);
    }
    weft_go(close_when_done, &ch);
    recver(ch.cmux);
}
