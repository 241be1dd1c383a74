/*
 * Port of $GOROOT/test/chan/sieve2.go (Go 1.19): the sieve of
 * Eratosthenes on channels, odd candidates only, checked against the
 * primes below 100. Go's container/heap (channels of multiples ordered by
 * their next value) and container/ring (the proxy's growing buffer)
 * become a small array heap and a growing circular array; the goroutines
 * and channels are Go's. Not scaled.
 */
#include <stdlib.h>
#include <string.h>

#include "go_test.h"

static void *allocate(size_t size)
{
    void *p = malloc(size);
    if (!p)
        abort();
    return p;
}

static void send_from(weft_chan *out, int n, int step)
{
    for (;; n += step)
        weft_chan_send(out, &n);
}

static void send_odds(void *out)
{
    send_from(out, 5, 2);
}

/* Return a chan of odd numbers, starting from 5. */
static weft_chan *odds(void)
{
    weft_chan *out = weft_chan_make(sizeof(int), 50);
    weft_go(send_odds, out);
    return out;
}

struct multiples {
    weft_chan *out;
    int p;
};

static void send_multiples(void *arg)
{
    struct multiples *m = arg;
    send_from(m->out, m->p * m->p, 2 * m->p);
}

/* Return a chan of odd multiples of the prime number p, from p*p. */
static weft_chan *multiples(int p)
{
    struct multiples *m = allocate(sizeof *m);
    *m = (struct multiples){weft_chan_make(sizeof(int), 10), p};
    weft_go(send_multiples, m);
    return m->out;
}

struct peek_ch {
    int head;
    weft_chan *ch;
};

/* A min-heap of peek_ch by head (Go's PeekChHeap with container/heap). */
struct peek_heap {
    struct peek_ch **items;
    size_t count, capacity;
};

static void heap_swap(struct peek_heap *h, size_t i, size_t j)
{
    struct peek_ch *t = h->items[i];
    h->items[i] = h->items[j];
    h->items[j] = t;
}

static void heap_push(struct peek_heap *h, struct peek_ch *x)
{
    if (h->count == h->capacity) {
        h->capacity = h->capacity ? 2 * h->capacity : 16;
        h->items = realloc(h->items, h->capacity * sizeof *h->items);
        if (!h->items)
            abort();
    }
    size_t i = h->count++;
    h->items[i] = x;
    for (; i > 0 && h->items[i]->head < h->items[(i - 1) / 2]->head;
         i = (i - 1) / 2)
        heap_swap(h, i, (i - 1) / 2);
}

static struct peek_ch *heap_pop(struct peek_heap *h)
{
    struct peek_ch *min = h->items[0];
    h->items[0] = h->items[--h->count];
    for (size_t i = 0;;) {
        size_t smallest = i, l = 2 * i + 1, r = l + 1;
        if (l < h->count && h->items[l]->head < h->items[smallest]->head)
            smallest = l;
        if (r < h->count && h->items[r]->head < h->items[smallest]->head)
            smallest = r;
        if (smallest == i)
            return min;
        heap_swap(h, i, smallest);
        i = smallest;
    }
}

struct proxy {
    weft_chan *in, *out;
};

/* Receives from in and stores in an expanding buffer, so that sending to
 * in never blocks; forwards to out. */
static void run_proxy(void *arg)
{
    struct proxy *p = arg;
    size_t n = 16, first = 0, count = 0;
    int *ring = allocate(n * sizeof *ring);
    for (;;) {
        /* buffer empty: disable output */
        weft_chan *c = count == 0 ? NULL : p->out;
        int e = count == 0 ? 0 : ring[first], received;
        struct weft_case cases[] = {WEFT_RECV_CASE(p->in, &received),
                                    WEFT_SEND_CASE(c, &e)};
        if (weft_select(cases, 2) == 1) {
            first = (first + 1) % n;
            count--;
            continue;
        }
        if (count == n) { /* buffer full: expand it */
            int *bigger = allocate(2 * n * sizeof *bigger);
            for (size_t i = 0; i < n; i++)
                bigger[i] = ring[(first + i) % n];
            free(ring);
            ring = bigger;
            first = 0;
            n *= 2;
        }
        ring[(first + count++) % n] = received;
    }
}

/* Return a channel to serve as a sending proxy to out. */
static weft_chan *sendproxy(weft_chan *out)
{
    struct proxy *p = allocate(sizeof *p);
    *p = (struct proxy){weft_chan_make(sizeof(int), 10), out};
    weft_go(run_proxy, p);
    return p->in;
}

struct sieve {
    weft_chan *out, *composites, *primes;
};

static int recv_int(weft_chan *c)
{
    int v;
    weft_chan_recv(c, &v);
    return v;
}

/* Merge channels of multiples of primes into composites. */
static void merge_multiples(void *arg)
{
    struct sieve *s = arg;
    struct peek_heap h = {0};
    int min = 15;
    for (;;) {
        weft_chan *m = multiples(recv_int(s->primes));
        int head = recv_int(m);
        while (min < head) {
            weft_chan_send(s->composites, &min);
            struct peek_ch *minchan = heap_pop(&h);
            min = minchan->head;
            minchan->head = recv_int(minchan->ch);
            heap_push(&h, minchan);
        }
        while (min == head) {
            struct peek_ch *minchan = heap_pop(&h);
            min = minchan->head;
            minchan->head = recv_int(minchan->ch);
            heap_push(&h, minchan);
        }
        weft_chan_send(s->composites, &head);
        struct peek_ch *next = allocate(sizeof *next);
        *next = (struct peek_ch){recv_int(m), m};
        heap_push(&h, next);
    }
}

/* Sieve out composites from candidates. The merging goroutine receives
 * from primes much slower than this one sends to it: a proxy buffers, or
 * the two would deadlock. */
static void sieve_candidates(void *arg)
{
    struct sieve *s = arg;
    weft_chan *primes = sendproxy(s->primes);
    weft_chan *candidates = odds();
    int p = recv_int(candidates);
    for (;;) {
        int c = recv_int(s->composites);
        while (p < c) {
            weft_chan_send(primes, &p);
            weft_chan_send(s->out, &p);
            p = recv_int(candidates);
        }
        if (p == c)
            p = recv_int(candidates);
    }
}

/* Return a chan int of primes. */
static weft_chan *sieve(void)
{
    struct sieve *s = allocate(sizeof *s);
    s->out = weft_chan_make(sizeof(int), 10); /* the output values */
    weft_chan_send(s->out, &(int){2});
    weft_chan_send(s->out, &(int){3});
    /* all composites to be eliminated, in increasing order */
    s->composites = weft_chan_make(sizeof(int), 50);
    s->primes = weft_chan_make(sizeof(int), 10); /* the feedback loop */
    weft_chan_send(s->primes, &(int){3});
    weft_go(merge_multiples, s);
    weft_go(sieve_candidates, s);
    return s->out;
}

GO_TEST(sieve2)
{
    static const int a[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
                            43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};
    weft_chan *primes = sieve();
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        int x = recv_int(primes);
        go_check(x == a[i], "%d != %d", x, a[i]);
    }
}
