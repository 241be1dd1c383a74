/* Ported from LLVM compiler-rt/test/tsan/mutexset1.cpp (rewritten for
 * weft): each thread holds a mutex while it writes, but not the same one.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int global;
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;

static void *thread(void *arg)
{
    pthread_mutex_lock(&first);
    global++;
    pthread_mutex_unlock(&first);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_mutex_lock(&second);
    global--;
    pthread_mutex_unlock(&second);
    pthread_join(t, NULL);
    return 0;
}
