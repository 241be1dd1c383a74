/*
 * Port of $GOROOT/test/chan/goroutines.go (Go 1.19): a torture test for
 * goroutines, many of them threaded together by channels and torn down
 * cleanly. Scaled: 2000 goroutines instead of 10000 (stacks cost more than
 * Go's, and it runs 22 times).
 */
#include "go_test.h"

enum { N = 2000 };

struct link {
    weft_chan *left, *right;
};

static void pass_left(void *arg)
{
    struct link *link = arg;
    int v;
    weft_chan_recv(link->right, &v);
    weft_chan_send(link->left, &v);
}

static void send_one(void *c)
{
    weft_chan_send(c, &(int){1});
}

GO_TEST(goroutines)
{
    static struct link links[N];
    weft_chan *leftmost = weft_chan_make(sizeof(int), 0);
    weft_chan *right = leftmost, *left = leftmost;
    for (int i = 0; i < N; i++) {
        right = weft_chan_make(sizeof(int), 0);
        links[i] = (struct link){left, right};
        weft_go(pass_left, &links[i]);
        left = right;
    }
    weft_go(send_one, right);
    int v;
    weft_chan_recv(leftmost, &v);
    go_check(v == 1, "received %d through the chain", v);
}
