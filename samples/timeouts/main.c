/*
 * Timeouts and non-blocking channel operations, from the notes:
 *  - select over a result and weft_after(timeout): whichever comes first;
 *  - select with a default: try a receive or a send without blocking;
 *  - a ticker and an overall deadline in one loop.
 */
#include <stdio.h>
#include <weft.h>

WEFT_CHAN_TYPE(int_chan, int)

struct query {
    int64_t latency_ns;
    int answer;
    int_chan *result;
};

static void run_query(void *arg)
{
    struct query *q = arg;
    weft_sleep(q->latency_ns);
    /* buffered: if the caller gave up, the send still completes and this
     * goroutine ends instead of blocking forever */
    int_chan_send(q->result, q->answer);
}

static long ms(int64_t ns)
{
    return (long)(ns / WEFT_MILLISECOND);
}

static void query_with_timeout(struct query *q, int64_t timeout_ns)
{
    q->result = int_chan_make(1);
    weft_go(run_query, q);
    int answer;
    weft_chan *timeout = weft_after(timeout_ns);
    struct weft_case cases[] = {
        WEFT_RECV_CASE(int_chan_chan(q->result), &answer),
        WEFT_RECV_CASE(timeout, NULL),
    };
    printf("query taking %ld ms, timeout %ld ms: ", ms(q->latency_ns),
           ms(timeout_ns));
    if (weft_select(cases, 2) == 0)
        printf("answer %d\n", answer);
    else
        printf("timed out\n");
    weft_chan_free(timeout); /* stops the timer if it has not fired */
    /* q->result stays: a query that timed out sends on it later */
}

static void try_receive(int_chan *c)
{
    int v;
    struct weft_case receive = WEFT_RECV_CASE(int_chan_chan(c), &v);
    if (weft_select_default(&receive, 1) == WEFT_DEFAULT)
        printf("no message received\n");
    else
        printf("received message %d\n", v);
}

static void try_send(int_chan *c, int v)
{
    struct weft_case send = WEFT_SEND_CASE(int_chan_chan(c), &v);
    if (weft_select_default(&send, 1) == WEFT_DEFAULT)
        printf("no message sent\n");
    else
        printf("sent message %d\n", v);
}

static void non_blocking(void)
{
    int_chan *messages = int_chan_make(0), *signals = int_chan_make(0);
    try_receive(messages); /* nobody is sending */
    try_send(messages, 1); /* nobody is receiving */

    int message;
    bool signal;
    struct weft_case either[] = {
        WEFT_RECV_CASE(int_chan_chan(messages), &message),
        WEFT_RECV_CASE(int_chan_chan(signals), &signal),
    };
    if (weft_select_default(either, 2) == WEFT_DEFAULT)
        printf("no activity\n");

    int_chan *mailbox = int_chan_make(1); /* room for one */
    try_send(mailbox, 2);
    try_send(mailbox, 3); /* full */
    try_receive(mailbox);
    int_chan_free(mailbox);
    int_chan_free(signals);
    int_chan_free(messages);
}

static void heartbeat_until_deadline(void)
{
    int64_t start = weft_now();
    weft_timer *ticker = weft_ticker_new(100 * WEFT_MILLISECOND);
    weft_chan *deadline = weft_after(350 * WEFT_MILLISECOND);
    int64_t tick;
    for (;;) {
        struct weft_case cases[] = {
            WEFT_RECV_CASE(weft_timer_chan(ticker), &tick),
            WEFT_RECV_CASE(deadline, NULL),
        };
        if (weft_select(cases, 2) == 1)
            break;
        printf("tick at %ld ms\n", ms(tick - start));
    }
    printf("deadline at %ld ms\n", ms(weft_now() - start));
    weft_timer_free(ticker);
    weft_chan_free(deadline);
}

int main(void)
{
    struct query fast = {10 * WEFT_MILLISECOND, 42, NULL};
    struct query slow = {200 * WEFT_MILLISECOND, 7, NULL};
    query_with_timeout(&fast, 50 * WEFT_MILLISECOND);
    query_with_timeout(&slow, 50 * WEFT_MILLISECOND);
    non_blocking();
    heartbeat_until_deadline();
    return 0;
}
