/*
 * Port of $GOROOT/test/chan/select2.go (Go 1.19): selects do not consume
 * undue memory. Go measures its heap with runtime.ReadMemStats after a GC;
 * weft has neither, so the port measures the process's heap in use
 * (mallinfo2's uordblks) around the second batch of selects, and keeps
 * Go's bound of 110,000 bytes. Scaled: 20,000 selects a batch instead of
 * 100,000 (the bound is not scaled, so it is stricter).
 * Go only prints "BUG" past the bound; the port fails the test.
 */
#include <malloc.h>

#include "go_test.h"

enum { N = 20000 };

struct channels {
    weft_chan *c, *dummy;
};

static void sender(void *arg)
{
    struct channels *ch = arg;
    for (int i = 0; i < N; i++)
        weft_chan_send(ch->c, &(int){1});
}

static void receiver(struct channels *ch)
{
    for (int i = 0; i < N; i++) {
        struct weft_case cases[] = {WEFT_RECV_CASE(ch->c, NULL),
                                    WEFT_RECV_CASE(ch->dummy, NULL)};
        go_check(weft_select(cases, 2) == 0, "dummy");
    }
}

GO_TEST(select2)
{
    struct channels ch = {weft_chan_make(sizeof(int), 0),
                          weft_chan_make(sizeof(int), 0)};
    /* warm up */
    weft_go(sender, &ch);
    receiver(&ch);
    size_t alloc = mallinfo2().uordblks;
    /* second time shouldn't increase footprint by much */
    weft_go(sender, &ch);
    receiver(&ch);
    size_t after = mallinfo2().uordblks;
    go_check(after <= alloc || after - alloc <= 110000,
             "too much memory for %d selects: %zu", N, after - alloc);
}
