/* weft's own: a thread other than main that calls exit(0) ends the
 * program, a pass, though main would have failed had it gone on.
 * weft: pass */
#include <pthread.h>
#include <stdlib.h>

static void *thread(void *arg)
{
    exit(0);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    return 3; /* never reached: the thread's exit(0) ends the program */
}
