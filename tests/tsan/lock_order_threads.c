/* In the manner of LLVM compiler-rt/test/tsan/mutex_cycle2.c (written for
 * weft): the same two mutexes taken in opposite orders, by two threads
 * that run at once, so a schedule exists in which each holds one and
 * waits for the other.
 * tsan: lock-order-inversion
 * weft: confirmed deadlock */
#include <pthread.h>

pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;

static void *thread(void *arg)
{
    pthread_mutex_lock(&first);
    pthread_mutex_lock(&second);
    pthread_mutex_unlock(&second);
    pthread_mutex_unlock(&first);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_mutex_lock(&second);
    pthread_mutex_lock(&first);
    pthread_mutex_unlock(&first);
    pthread_mutex_unlock(&second);
    pthread_join(t, NULL);
    return 0;
}
