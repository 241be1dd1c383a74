/* weft's own: a thread that calls exit() with a status other than 0 ends
 * the schedule as a failed assertion, with its stack; the minimised
 * schedule's steps name the threads as reports do.
 * weft: assertion failed
 * output: assertion failed: the program called exit(4)
 * output:   fail()
 * output: thread T0 go @ */
#include <pthread.h>
#include <stdlib.h>

__attribute__((noinline)) static void fail(void)
{
    exit(4);
}

static void *thread(void *arg)
{
    fail();
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    return 0;
}
