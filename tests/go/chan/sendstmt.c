/*
 * Port of $GOROOT/test/chan/sendstmt.go (Go 1.19): send as a statement.
 * What it tests is mostly Go's parser; the port keeps the channel
 * behaviour under it: a channel of channels (`<-cc <- 2`: receive a
 * channel, send on it, inside a select with a default) and sending the
 * value of an expression (`c <- false || true`).
 */
#include "go_test.h"

static void chanchan(void)
{
    weft_chan *cc = weft_chan_make(sizeof(weft_chan *), 1);
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_chan_send(cc, &c);
    /* Go evaluates <-cc before the select; the case sends 2 on it */
    weft_chan *received;
    weft_chan_recv(cc, &received);
    struct weft_case cases[] = {WEFT_SEND_CASE(received, &(int){2})};
    go_check(weft_select_default(cases, 1) == 0, "nonblock");
    int v;
    weft_chan_recv(c, &v);
    go_check(v == 2, "bad receive");
    weft_chan_free(cc);
    weft_chan_free(c);
}

static void sendprec(void)
{
    weft_chan *c = weft_chan_make(sizeof(bool), 1);
    volatile bool no = false;
    weft_chan_send(c, &(bool){no || true});
    bool v;
    weft_chan_recv(c, &v);
    go_check(v, "sent false");
    weft_chan_free(c);
}

GO_TEST(sendstmt)
{
    chanchan();
    sendprec();
}
