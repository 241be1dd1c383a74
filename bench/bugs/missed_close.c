/*
 * A missed close (the "last one out closes the channel" idiom done wrong,
 * a blocking bug of the kind Tu et al. found in Go programs, "Understanding
 * Real-World Concurrency Bugs in Go", ASPLOS 2019): three producers send
 * on a channel and the last to finish should close it, but each reads the
 * count of those still running in one locked section and writes it back
 * in another. Two can both see themselves as not last: nobody closes, and
 * the consumer ranging over the channel waits forever (a deadlock); or
 * two see themselves last and close it twice (a panic).
 */
#include "bugs.h"

enum { PRODUCERS = 3 };

static weft_chan *results;
static struct cell running;

static void produce(void *arg)
{
    int value = (int)(long)arg;
    weft_chan_send(results, &value);
    int left = cell_load(&running) - 1;
    cell_store(&running, left);
    if (left == 0)
        weft_chan_close(results);
}

BUG(missed_close)
{
    results = weft_chan_make(sizeof(int), PRODUCERS);
    cell_store(&running, PRODUCERS);
    for (long i = 0; i < PRODUCERS; i++)
        weft_go(produce, (void *)i);
    int value, received = 0;
    while (weft_chan_recv_ok(results, &value))
        received++;
    weft_assert(received == PRODUCERS, "received %d", received);
}
