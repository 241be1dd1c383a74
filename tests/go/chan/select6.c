/*
 * Port of $GOROOT/test/chan/select6.go (Go 1.19), Go issue 2075: a select
 * must not corrupt the queues of the channels of the cases it did not take
 * when there are several waiters on them and the select is the last in the
 * queue (here c1: later waits on it must still be woken). Ported whole.
 */
#include "go_test.h"

struct channels {
    weft_chan *c1, *c2, *c3;
};

static void receive_c1(void *arg)
{
    struct channels *ch = arg;
    weft_chan_recv(ch->c1, NULL);
}

static void select_c1_c2(void *arg)
{
    struct channels *ch = arg;
    struct weft_case cases[] = {WEFT_RECV_CASE(ch->c1, NULL),
                                WEFT_RECV_CASE(ch->c2, NULL)};
    go_check(weft_select(cases, 2) == 1, "dummy");
    weft_chan_send(ch->c3, &(bool){true});
    weft_chan_recv(ch->c1, NULL);
}

static void send_c2(void *arg)
{
    struct channels *ch = arg;
    weft_chan_send(ch->c2, &(bool){true});
}

GO_TEST(select6)
{
    static struct channels ch;
    ch.c1 = weft_chan_make(sizeof(bool), 0);
    ch.c2 = weft_chan_make(sizeof(bool), 0);
    ch.c3 = weft_chan_make(sizeof(bool), 0);
    weft_go(receive_c1, &ch);
    weft_go(select_c1_c2, &ch);
    weft_go(send_c2, &ch);
    weft_chan_recv(ch.c3, NULL);
    weft_chan_send(ch.c1, &(bool){true});
    weft_chan_send(ch.c1, &(bool){true});
}
