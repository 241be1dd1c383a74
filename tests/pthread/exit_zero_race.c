/* weft's own: exit(0) ends the program, but a race found before it still
 * fails the schedule.
 * weft: data race */
#include <pthread.h>
#include <stdlib.h>

int shared;

static void *thread(void *arg)
{
    shared = 1;
    exit(0);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    shared = 2;
    pthread_join(t, NULL);
    return 0;
}
