/* In the manner of LLVM compiler-rt/test/tsan's synchronisation tests
 * (written for weft; TSan intercepts sem_post/sem_wait as release and
 * acquire): a value handed over by a semaphore.
 * tsan: pass
 * weft: pass */
#include <pthread.h>
#include <semaphore.h>

int value;
sem_t posted;

static void *thread(void *arg)
{
    value = 42;
    sem_post(&posted);
    return arg;
}

int main(void)
{
    sem_init(&posted, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    sem_wait(&posted);
    int seen = value;
    pthread_join(t, NULL);
    sem_destroy(&posted);
    return seen == 42 ? 0 : 1;
}
