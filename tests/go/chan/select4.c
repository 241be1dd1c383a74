/*
 * Port of $GOROOT/test/chan/select4.go (Go 1.19): a select proceeds when a
 * value is ready, and does not evaluate the destination of a case it does
 * not take (Go's `*f() = <-c1`: f must not be called). weft's cases name
 * their destination before the select, so the untaken case's destination
 * is a pointer the port checks is never written.
 */
#include "go_test.h"

GO_TEST(select4)
{
    struct {
        int a;
    } x = {0};
    int never_written = -1;
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_chan *c1 = weft_chan_make(sizeof(int), 0);
    weft_chan_send(c, &(int){42});
    struct weft_case cases[] = {WEFT_RECV_CASE(c1, &never_written),
                                WEFT_RECV_CASE(c, &x.a)};
    int chosen = weft_select(cases, 2);
    go_check(chosen == 1, "took case %d", chosen);
    go_check(x.a == 42, "BUG: %d", x.a);
    go_check(never_written == -1, "BUG: wrote the untaken case's value");
    weft_chan_free(c);
    weft_chan_free(c1);
}
