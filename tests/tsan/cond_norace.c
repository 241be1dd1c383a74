/* Ported from LLVM compiler-rt/test/tsan/cond.c (rewritten for weft): a
 * value handed over under a mutex and a condition variable.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int value;
int published;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg)
{
    value = 42; /* before the lock: the signal still orders it */
    pthread_mutex_lock(&lock);
    published = 1;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL);
    pthread_mutex_lock(&lock);
    while (!published)
        pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    int seen = value;
    pthread_join(t, NULL);
    return seen == 42 ? 0 : 1;
}
