/*
 * A token ring (SCTBench's CS/token_ring_bad; Thomson, Donaldson and
 * Betts, TOPC 2016), with channels: four goroutines in a ring pass a
 * token round twice, each recording the last value it held. A node
 * forwards the token before it records it, so when the token comes home
 * the last node's record may still be stale: the checker asserts every
 * record is current.
 */
#include "bugs.h"

enum { NODES = 4, ROUNDS = 2 };

static weft_chan *links[NODES + 1];
static struct cell records[NODES];

static void node(void *arg)
{
    int i = (int)(long)arg;
    for (int round = 0; round < ROUNDS; round++) {
        int token;
        weft_chan_recv(links[i], &token);
        token++;
        weft_chan_send(links[i + 1], &token);
        cell_store(&records[i], token); /* the bug: after forwarding it */
    }
}

static void start_ring(void *arg)
{
    (void)arg;
    int token = 0;
    for (int round = 0; round < ROUNDS; round++) {
        weft_chan_send(links[0], &token);
        weft_chan_recv(links[NODES], &token);
    }
    for (int i = 0; i < NODES; i++) {
        int seen = cell_load(&records[i]);
        int want = (ROUNDS - 1) * NODES + i + 1;
        weft_assert(seen == want, "node %d recorded %d, want %d", i, seen,
                    want);
    }
}

BUG(token_ring)
{
    for (int i = 0; i <= NODES; i++)
        links[i] = weft_chan_make(sizeof(int), 0);
    struct task tasks[NODES + 1];
    for (long i = 0; i < NODES; i++)
        tasks[i] = (struct task){node, (void *)i};
    tasks[NODES] = (struct task){start_ring, NULL};
    go_all_and_wait(tasks, NODES + 1);
}
