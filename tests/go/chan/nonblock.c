/*
 * Port of $GOROOT/test/chan/nonblock.go (Go 1.19): channel operations that
 * test for blocking (select with a default), for unbuffered and buffered
 * channels and several sizes of operand. Go's four types (int32, int64,
 * bool, string) become one function over an element size, called with
 * each: the same checks, without Go's four copies. A string is a char[16]
 * here, compared by value. Not scaled (maxTries 10000, a ticker of 10 µs).
 */
#include <string.h>

#include "go_test.h"

enum { MAX_TRIES = 10000 }; /* Up to 100ms per test. */

/* One operand type: its size, what the receiver expects to get and what
 * the sender sends. */
struct operand {
    const char *name;
    size_t size;
    const void *to_receiver, *from_sender;
};

struct endpoint {
    const struct operand *type;
    weft_chan *c, *strobe;
};

static weft_timer *ticker;

static void go_sleep(void)
{
    weft_chan_recv(weft_timer_chan(ticker), NULL);
    weft_chan_recv(weft_timer_chan(ticker), NULL);
    weft_yield();
    weft_yield();
    weft_yield();
}

static void receiver(void *arg)
{
    struct endpoint *e = arg;
    char value[16];
    weft_chan_recv(e->c, value);
    go_check(memcmp(value, e->type->to_receiver, e->type->size) == 0,
             "%s value", e->type->name);
    weft_chan_send(e->strobe, &(bool){true});
}

static void sender(void *arg)
{
    struct endpoint *e = arg;
    weft_chan_send(e->c, e->type->from_sender);
    weft_chan_send(e->strobe, &(bool){true});
}

static void check_operand(const struct operand *type, int buffer,
                          weft_chan *sync)
{
    static struct endpoint e;
    e = (struct endpoint){type, weft_chan_make(type->size, (size_t)buffer),
                          sync};
    weft_go(receiver, &e);
    struct weft_case send[] = {WEFT_SEND_CASE(e.c, type->to_receiver)};
    for (int try = 0; weft_select_default(send, 1) == WEFT_DEFAULT;) {
        go_check(++try <= MAX_TRIES, "%s receiver buffer=%d", type->name,
                 buffer);
        go_sleep();
    }
    weft_chan_recv(sync, NULL);

    weft_go(sender, &e);
    if (buffer > 0)
        weft_chan_recv(sync, NULL);
    char value[16];
    struct weft_case recv[] = {WEFT_RECV_CASE(e.c, value)};
    for (int try = 0; weft_select_default(recv, 1) == WEFT_DEFAULT;) {
        go_check(++try <= MAX_TRIES, "%s sender buffer=%d", type->name, buffer);
        go_sleep();
    }
    go_check(memcmp(value, type->from_sender, type->size) == 0,
             "%s sender value", type->name);
    if (buffer == 0)
        weft_chan_recv(sync, NULL);
}

GO_TEST(nonblock)
{
    static const int32_t i32_in = 123, i32_out = 234;
    static const int64_t i64_in = 123456, i64_out = 234567;
    static const bool b_in = true, b_out = true;
    static const char s_in[16] = "hello", s_out[16] = "hello again";
    static const struct operand types[] = {
        {"i32", sizeof(int32_t), &i32_in, &i32_out},
        {"i64", sizeof(int64_t), &i64_in, &i64_out},
        {"b", sizeof(bool), &b_in, &b_out},
        {"s", sizeof s_in, s_in, s_out},
    };
    ticker = weft_ticker_new(10 * WEFT_MICROSECOND);
    weft_chan *sync = weft_chan_make(sizeof(bool), 0);
    for (int buffer = 0; buffer < 2; buffer++) {
        /* nothing to receive yet, whatever the type */
        for (size_t t = 0; t < 4; t++) {
            weft_chan *c = weft_chan_make(types[t].size, (size_t)buffer);
            char value[16];
            struct weft_case recv[] = {WEFT_RECV_CASE(c, value)};
            go_check(weft_select_default(recv, 1) == WEFT_DEFAULT,
                     "blocked %ssender", types[t].name);
            weft_chan_free(c);
        }
        for (size_t t = 0; t < 4; t++)
            check_operand(&types[t], buffer, sync);
    }
    weft_timer_free(ticker);
}
