/*
 * Port of $GOROOT/src/sync/once_test.go (Go 1.19): its tests, not its
 * benchmark. TestOnce as Go's. TestOncePanic checks that a Do whose
 * function does not return normally still counts as done; weft has no
 * recover, so a panic would end the program: the port's function leaves
 * by weft_exit (Go's runtime.Goexit), which in Go runs Once.Do's deferred
 * "done" just as a panic does. Not scaled.
 */
#include "go_test.h"

struct run_state {
    weft_once *once;
    int *o;
    weft_chan *c;
};

static void increment(void *o)
{
    ++*(int *)o;
}

static void run(void *arg)
{
    struct run_state *s = arg;
    weft_once_do(s->once, increment, s->o);
    int v = *s->o;
    if (v != 1)
        go_fatalf("once failed inside run: %d is not 1", v);
    weft_chan_send(s->c, &(bool){true});
}

GO_TEST(TestOnce)
{
    static int o;
    static weft_once once;
    o = 0;
    once = (weft_once){0};
    struct run_state s = {&once, &o, weft_chan_make(sizeof(bool), 0)};
    enum { N = 10 };
    for (int i = 0; i < N; i++)
        weft_go(run, &s);
    for (int i = 0; i < N; i++)
        weft_chan_recv(s.c, NULL);
    if (o != 1)
        go_fatalf("once failed outside run: %d is not 1", o);
}

struct goexit_state {
    weft_once once;
    weft_chan *entered;
};

static void exit_inside_do(void *arg)
{
    struct goexit_state *s = arg;
    weft_chan_send(s->entered, NULL);
    weft_exit();
}

static void do_and_exit(void *arg)
{
    struct goexit_state *s = arg;
    weft_once_do(&s->once, exit_inside_do, s);
    go_fatalf("weft_exit returned through Once.Do");
}

static void called_twice(void *unused)
{
    (void)unused;
    go_fatalf("Once.Do called twice");
}

GO_TEST(TestOncePanic)
{
    static struct goexit_state s;
    s = (struct goexit_state){.entered = weft_chan_make(0, 0)};
    weft_go(do_and_exit, &s);
    weft_chan_recv(s.entered, NULL);
    /* waits for the first Do to finish, which its weft_exit does */
    weft_once_do(&s.once, called_twice, NULL);
}
