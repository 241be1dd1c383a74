/* In the manner of LLVM compiler-rt/test/tsan's mutex tests (written for
 * weft): a recursive mutex taken twice by each thread.
 * tsan: pass
 * weft: pass */
#define _GNU_SOURCE
#include <pthread.h>

int global;
pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void *thread(void *arg)
{
    pthread_mutex_lock(&lock);
    pthread_mutex_lock(&lock);
    global++;
    pthread_mutex_unlock(&lock);
    global++;
    pthread_mutex_unlock(&lock);
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return global == 4 ? 0 : 1;
}
