/* In the manner of LLVM compiler-rt/test/tsan's synchronisation tests
 * (written for weft): the post comes before the write it was meant to
 * publish.
 * tsan: data race
 * weft: data race */
#include <pthread.h>
#include <semaphore.h>

int value;
sem_t posted;

static void *thread(void *arg)
{
    sem_post(&posted);
    value = 42;
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
    return seen == 42 || seen == 0 ? 0 : 1;
}
