/* weft's own: main ends with pthread_exit while its threads still run;
 * the process lives on until they end, then exits 0. Their checks fail
 * the schedule if main's end had cut them short.
 * weft: pass */
#include <pthread.h>
#include <stdlib.h>

int counter;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *thread(void *arg)
{
    pthread_mutex_lock(&lock);
    int mine = ++counter;
    pthread_mutex_unlock(&lock);
    if (mine > 2)
        exit(1);
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread, NULL);
    pthread_detach(t[0]);
    pthread_exit(NULL);
}
