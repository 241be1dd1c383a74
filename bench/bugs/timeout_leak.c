/*
 * A goroutine leaked on timeout (the leak Go's documentation warns of for
 * time.After, and Tu et al. found in real Go programs, ASPLOS 2019): the
 * caller waits for a worker's reply on an unbuffered channel or a
 * timeout, whichever comes first; when the timeout wins, the worker's
 * send has no receiver and it blocks forever. The worker needs as long as
 * the timeout gives it, so which comes first is the schedule's choice.
 */
#include "bugs.h"

static weft_chan *reply;

static void slow_worker(void *arg)
{
    (void)arg;
    weft_sleep(WEFT_MILLISECOND);
    int value = 42;
    weft_chan_send(reply, &value);
}

BUG(timeout_leak)
{
    reply = weft_chan_make(sizeof(int), 0);
    weft_go(slow_worker, NULL);
    int value;
    struct weft_case cases[] = {WEFT_RECV_CASE(reply, &value),
                                WEFT_RECV_CASE(weft_after(WEFT_MILLISECOND),
                                               NULL)};
    weft_select(cases, 2);
}
