/*
 * Port of $GOROOT/test/chan/zerosize.go (Go 1.19): making channels of a
 * zero-sized type ([0]byte, struct{}), unbuffered and buffered.
 * In C both types are an element of 0 bytes, so the four makes are two
 * pairs; one send and receive each checks the channels also work.
 */
#include "go_test.h"

GO_TEST(zerosize)
{
    weft_chan *unbuffered = weft_chan_make(0, 0);
    weft_chan *buffered = weft_chan_make(0, 1);
    go_check(weft_chan_elem_size(unbuffered) == 0 &&
                 weft_chan_cap(buffered) == 1,
             "zero-size channels made wrong");
    weft_chan_send(buffered, NULL);
    go_check(weft_chan_len(buffered) == 1, "zero-size element not buffered");
    weft_chan_recv(buffered, NULL);
    weft_chan_free(unbuffered);
    weft_chan_free(buffered);
}
