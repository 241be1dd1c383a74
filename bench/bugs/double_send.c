/*
 * A double send under select (a blocking bug of the kind Tu et al. found
 * in Go programs, ASPLOS 2019: a goroutine that can reach two sends on a
 * channel whose reader takes one value): a worker sends its result, in a
 * select that also watches for cancellation; when it sees the
 * cancellation first it sends an error on the same channel, and the
 * caller, which cancelled because it already had the backup's answer,
 * never reads it. The worker is left blocked: a goroutine leak.
 */
#include "bugs.h"

static weft_chan *answers, *cancel;

static void worker(void *arg)
{
    (void)arg;
    int result = 1, error = -1;
    struct weft_case cases[] = {WEFT_SEND_CASE(answers, &result),
                                WEFT_RECV_CASE(cancel, NULL)};
    if (weft_select(cases, 2) == 1)
        weft_chan_send(answers, &error); /* the bug: nobody reads it */
}

/* The same work done right: on cancellation it just goes. */
static void backup(void *arg)
{
    (void)arg;
    int result = 2;
    struct weft_case cases[] = {WEFT_SEND_CASE(answers, &result),
                                WEFT_RECV_CASE(cancel, NULL)};
    weft_select(cases, 2);
}

BUG(double_send)
{
    answers = weft_chan_make(sizeof(int), 0);
    cancel = weft_chan_make(0, 0);
    weft_go(worker, NULL);
    weft_go(backup, NULL);
    int first;
    weft_chan_recv(answers, &first);
    weft_chan_close(cancel); /* the first answer will do */
}
