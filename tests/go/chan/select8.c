/*
 * Port of $GOROOT/test/chan/select8.go (Go 1.19): `break` in 1-, 2- and
 * 3-case selects (a gccgo bug). C's break inside a switch on the chosen
 * case is the same construct; the port checks which case each select
 * takes, which Go's test leaves to its panics.
 */
#include "go_test.h"

static void send_fives(void *ch)
{
    for (;;)
        weft_chan_send(ch, &(int){5});
}

GO_TEST(select8)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 0);
    weft_go(send_fives, ch);
    int v = 0;

    struct weft_case one[] = {WEFT_RECV_CASE(ch, &v)};
    switch (weft_select(one, 1)) {
    case 0:
        break;
        go_fatalf("unreachable");
    }
    go_check(v == 5, "received %d", v);

    switch (weft_select_default(NULL, 0)) {
    case WEFT_DEFAULT:
        break;
        go_fatalf("unreachable");
    }

    /* the sender may not have come back to its send yet: Go's select
     * takes the default then too */
    switch (weft_select_default(one, 1)) {
    case 0:
        break;
        go_fatalf("unreachable");
    case WEFT_DEFAULT:
        break;
        go_fatalf("unreachable");
    }

    struct weft_case two[] = {WEFT_RECV_CASE(ch, &v),
                              WEFT_SEND_CASE(ch, &(int){10})};
    switch (weft_select_default(two, 2)) {
    case 0:
        break;
        go_fatalf("unreachable");
    case 1:
        go_fatalf("unreachable: sent to the goroutine that only sends");
    case WEFT_DEFAULT:
        break;
        go_fatalf("unreachable");
    }
}
