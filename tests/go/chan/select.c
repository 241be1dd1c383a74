/*
 * Port of $GOROOT/test/chan/select.go (Go 1.19): a simple select sending
 * on two buffered channels, with a nil channel and a default. Ported
 * whole. Go evaluates every case's value before choosing (GetValue runs
 * once per case and loop turn, nil channels included): so does the port,
 * before it calls weft_select_default.
 */
#include "go_test.h"

static unsigned counter, shift;

static unsigned get_value(void)
{
    counter++;
    return 1u << shift;
}

static int send_values(weft_chan *a, weft_chan *b)
{
    int i = 0;
    for (;;) {
        unsigned to_a = get_value(), to_b = get_value();
        struct weft_case cases[] = {WEFT_SEND_CASE(a, &to_a),
                                    WEFT_SEND_CASE(b, &to_b)};
        int chosen = weft_select_default(cases, 2);
        if (chosen == WEFT_DEFAULT)
            break;
        i++;
        if (chosen == 0)
            a = NULL;
        else
            b = NULL;
        shift++;
    }
    return i;
}

GO_TEST(select)
{
    counter = shift = 0; /* the seeded mode runs it 20 times in a process */
    weft_chan *a = weft_chan_make(sizeof(unsigned), 1);
    weft_chan *b = weft_chan_make(sizeof(unsigned), 1);
    int v = send_values(a, b);
    go_check(v == 2, "Send returned %d != 2", v);
    unsigned av, bv;
    weft_chan_recv(a, &av);
    weft_chan_recv(b, &bv);
    go_check((av | bv) == 3, "bad values %u %u", av, bv);
    v = send_values(a, NULL);
    go_check(v == 1, "Send returned %d != 1", v);
    go_check(counter == 10, "counter is %u != 10", counter);
    weft_chan_free(a);
    weft_chan_free(b);
}
