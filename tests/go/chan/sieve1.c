/*
 * Port of $GOROOT/test/chan/sieve1.go (Go 1.19): the classical concurrent
 * prime sieve, a linear chain of divisibility filters, checked against
 * the primes below 100. Ported whole.
 */
#include <stdlib.h>

#include "go_test.h"

/* Send the sequence 2, 3, 4, ... to channel ch. */
static void generate(void *ch)
{
    for (int i = 2;; i++)
        weft_chan_send(ch, &i);
}

struct filter {
    weft_chan *in, *out;
    int prime;
};

/* Copy the values from in to out, removing those divisible by prime. */
static void filter(void *arg)
{
    struct filter *f = arg;
    int i;
    weft_chan_range (f->in, i) {
        if (i % f->prime != 0)
            weft_chan_send(f->out, &i);
    }
}

/* The prime sieve: daisy-chain filter goroutines together. */
static void sieve(void *primes)
{
    weft_chan *ch = weft_chan_make(sizeof(int), 0);
    weft_go(generate, ch);
    for (;;) {
        int prime;
        weft_chan_recv(ch, &prime);
        weft_chan_send(primes, &prime);
        weft_chan *ch1 = weft_chan_make(sizeof(int), 0);
        struct filter *f = malloc(sizeof *f); /* lives as long as the run */
        *f = (struct filter){ch, ch1, prime};
        weft_go(filter, f);
        ch = ch1;
    }
}

GO_TEST(sieve1)
{
    static const int a[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
                            43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};
    weft_chan *primes = weft_chan_make(sizeof(int), 0);
    weft_go(sieve, primes);
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        int x;
        weft_chan_recv(primes, &x);
        go_check(x == a[i], "%d != %d", x, a[i]);
    }
}
