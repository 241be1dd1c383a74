/*
 * Port of $GOROOT/test/chan/select3.go (Go 1.19): the semantics of select
 * for basic empty and non-empty cases, and of plain operations on nil and
 * closed channels. testBlock as Go's: f runs in a goroutine racing a
 * sleeper (10 ms when f must block, 10 s when it must not). testPanic: Go
 * recovers the panic; weft has none to recover, so the two cases that
 * must panic run in a forked child each (select3_panics, a test of its own
 * so that the fork comes before the runtime's threads), and the cases
 * that must not panic run inline. Not scaled.
 */
#include <stdlib.h>

#include "go_test.h"

enum signal { ALWAYS, NEVER }; /* "function did not", "function did" */

static weft_chan *nilch, *closedch;

struct block_test {
    enum signal signal;
    void (*f)(void);
    weft_chan *c;
};

static void run_f(void *arg)
{
    struct block_test *t = arg;
    t->f();
    weft_chan_send(t->c, &(int){NEVER}); /* f didn't block */
}

static void sleep_then_report(void *arg)
{
    struct block_test *t = arg;
    /* long enough not to miss the window on a slow machine; as short as
     * can be without false negatives */
    weft_sleep(t->signal == NEVER ? 10 * WEFT_SECOND : 10 * WEFT_MILLISECOND);
    weft_chan_send(t->c, &(int){ALWAYS}); /* f blocked always */
}

/* Calls f and checks empirically that it always/never blocks. */
static void test_block(enum signal signal, void (*f)(void))
{
    /* never freed: the loser of the race stays blocked on c */
    struct block_test *t = malloc(sizeof *t);
    *t = (struct block_test){signal, f, weft_chan_make(sizeof(int), 0)};
    weft_go(run_f, t);
    weft_go(sleep_then_report, t);
    int got;
    weft_chan_recv(t->c, &got);
    go_check(got == (int)signal, "%s block",
             signal == ALWAYS ? "function did not" : "function did");
}

static void unreachable(void)
{
    go_fatalf("control flow shouldn't reach here");
}

static void send_nil(void)
{
    weft_chan_send(nilch, &(int){7});
}

static void recv_nil(void)
{
    weft_chan_recv(nilch, NULL);
}

static void select_send_nil_default(void)
{
    struct weft_case cases[] = {WEFT_SEND_CASE(nilch, &(int){7})};
    if (weft_select_default(cases, 1) == 0)
        unreachable();
}

static void select_recv_nil_default(void)
{
    struct weft_case cases[] = {WEFT_RECV_CASE(nilch, NULL)};
    if (weft_select_default(cases, 1) == 0)
        unreachable();
}

static void send_with_room(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 1);
    weft_chan_send(ch, &(int){7});
}

static void recv_closed_ten_times(void)
{
    for (int i = 0; i < 10; i++) {
        int x = -1;
        weft_chan_recv(closedch, &x);
        go_check(x == 0,
                 "expected zero value when reading from closed channel");
        x = -1;
        bool ok = weft_chan_recv_ok(closedch, &x);
        go_check(x == 0 && !ok, "closedch: %d %d: expected 0, false", x, ok);
    }
}

static void recv_not_ready(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 0);
    weft_chan_recv(ch, NULL);
}

static void select_empty(void)
{
    weft_select(NULL, 0);
}

static void select_recv_nil(void)
{
    struct weft_case cases[] = {WEFT_RECV_CASE(nilch, NULL)};
    weft_select(cases, 1);
    unreachable();
}

static void select_send_nil(void)
{
    struct weft_case cases[] = {WEFT_SEND_CASE(nilch, &(int){7})};
    weft_select(cases, 1);
    unreachable();
}

static void select_both_nil(void)
{
    struct weft_case cases[] = {WEFT_RECV_CASE(nilch, NULL),
                                WEFT_SEND_CASE(nilch, &(int){7})};
    weft_select(cases, 2);
    unreachable();
}

static void select_not_ready(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 0);
    struct weft_case cases[] = {WEFT_RECV_CASE(ch, NULL)};
    weft_select(cases, 1);
    unreachable();
}

static void select_default_only(void)
{
    weft_select_default(NULL, 0);
}

static void select_send_ready(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 1);
    struct weft_case cases[] = {WEFT_SEND_CASE(ch, &(int){7})};
    if (weft_select_default(cases, 1) == WEFT_DEFAULT)
        unreachable();
}

static void select_recv_ready(void)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 1);
    weft_chan_send(ch, &(int){7});
    struct weft_case cases[] = {WEFT_RECV_CASE(ch, NULL)};
    if (weft_select_default(cases, 1) == WEFT_DEFAULT)
        unreachable();
}

/* Go's three spellings (`<-c`, `x := <-c`, `x, ok := <-c`) are one case
 * in weft: with no destination, with one, and reading its ok */
static void select_recv_closed(void)
{
    int x = -1;
    struct weft_case discard[] = {WEFT_RECV_CASE(closedch, NULL)};
    weft_select(discard, 1);
    struct weft_case keep[] = {WEFT_RECV_CASE(closedch, &x)};
    weft_select(keep, 1);
    go_check(x == 0 && !keep[0].ok, "closedch in select: %d %d", x, keep[0].ok);
}

static void select_sees_itself(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    struct weft_case cases[] = {WEFT_SEND_CASE(c, &(int){1}),
                                WEFT_RECV_CASE(c, NULL)};
    weft_select(cases, 2);
}

GO_TEST(select3)
{
    nilch = NULL;
    closedch = weft_chan_make(sizeof(int), 0);
    weft_chan_close(closedch);
    /* sending/receiving from a nil channel blocks */
    test_block(ALWAYS, send_nil);
    test_block(ALWAYS, recv_nil);
    /* sending/receiving from a nil channel inside a select is never
     * selected (testPanic(never, ...)) */
    select_send_nil_default();
    select_recv_nil_default();
    /* sending to an async channel with free buffer space never blocks */
    test_block(NEVER, send_with_room);
    /* receiving from a closed channel never blocks */
    test_block(NEVER, recv_closed_ten_times);
    /* receiving from a non-ready channel always blocks */
    test_block(ALWAYS, recv_not_ready);
    /* empty selects always block */
    test_block(ALWAYS, select_empty);
    /* selects with only nil channels always block */
    test_block(ALWAYS, select_recv_nil);
    test_block(ALWAYS, select_send_nil);
    test_block(ALWAYS, select_both_nil);
    /* selects with non-ready non-nil channels always block */
    test_block(ALWAYS, select_not_ready);
    /* selects with default cases don't block */
    test_block(NEVER, select_default_only);
    test_block(NEVER, select_recv_nil_default);
    test_block(NEVER, select_send_nil_default);
    /* selects with ready channels don't block */
    test_block(NEVER, select_send_ready);
    test_block(NEVER, select_recv_ready);
    /* selects with closed channels behave like ordinary operations */
    test_block(NEVER, select_recv_closed);
    /* select should not get confused if it sees itself */
    test_block(ALWAYS, select_sees_itself);
}

static void send_closed(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_chan_close(c);
    weft_chan_send(c, &(int){7});
}

static void select_send_closed(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_chan_close(c);
    struct weft_case cases[] = {WEFT_SEND_CASE(c, &(int){7})};
    weft_select(cases, 1);
}

/* sending to a closed channel panics, in a select too */
GO_TEST(select3_panics)
{
    go_expect_panic(send_closed, "panic: send on closed channel");
    go_expect_panic(select_send_closed, "panic: send on closed channel");
}
