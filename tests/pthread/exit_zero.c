/* weft's own: main ending with exit(0) rather than a return passes, as a
 * return would.
 * weft: pass */
#include <pthread.h>
#include <stdlib.h>

int done;

static void *thread(void *arg)
{
    done = 1;
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    exit(done ? EXIT_SUCCESS : EXIT_FAILURE);
}
