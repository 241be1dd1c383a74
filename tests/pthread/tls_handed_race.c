/* weft's own: a thread's __thread variable, its address handed to another
 * thread, written by both without a lock, is a race (as tsan/tls_race,
 * with per-thread counters beside it that do not race).
 * weft: data race
 * output: Write of size 4 at */
#include <pthread.h>

__thread int mine;
__thread int counter;

static void *thread(void *address)
{
    counter++;
    *(volatile int *)address = 7;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, &mine);
    mine = 8;
    counter++;
    pthread_join(t, NULL);
    return 0;
}
