/*
 * Port of $GOROOT/test/chan/select7.go (Go 1.19): a select whose receive
 * discards the value, each of three receivers against each of three
 * senders (plain operation, one-case select, two-case select). Ported
 * whole.
 */
#include "go_test.h"

static void recv1(void *c)
{
    weft_chan_recv(c, NULL);
}

static void recv2(void *c)
{
    struct weft_case cases[] = {WEFT_RECV_CASE(c, NULL)};
    weft_select(cases, 1);
}

static void recv3(void *c)
{
    weft_chan *c2 = weft_chan_make(sizeof(int), 0);
    struct weft_case cases[] = {WEFT_RECV_CASE(c, NULL),
                                WEFT_RECV_CASE(c2, NULL)};
    weft_select(cases, 2);
}

static void send1(weft_fn recv)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(recv, c);
    weft_yield();
    weft_chan_send(c, &(int){1});
}

static void send2(weft_fn recv)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(recv, c);
    weft_yield();
    struct weft_case cases[] = {WEFT_SEND_CASE(c, &(int){1})};
    weft_select(cases, 1);
}

static void send3(weft_fn recv)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(recv, c);
    weft_yield();
    weft_chan *c2 = weft_chan_make(sizeof(int), 0);
    struct weft_case cases[] = {WEFT_SEND_CASE(c, &(int){1}),
                                WEFT_SEND_CASE(c2, &(int){1})};
    weft_select(cases, 2);
}

GO_TEST(select7)
{
    weft_fn receivers[] = {recv1, recv2, recv3};
    for (int i = 0; i < 3; i++) {
        send1(receivers[i]);
        send2(receivers[i]);
        send3(receivers[i]);
    }
}
