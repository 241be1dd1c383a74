/* Ported from LLVM compiler-rt/test/tsan/free_race.c (rewritten for
 * weft): one thread frees a block under a mutex, the other then writes
 * to it under the same mutex. TSan reports any access to freed memory;
 * weft models free as a write of the block, which the mutex orders, and
 * does not track freed memory.
 * tsan: heap-use-after-free
 * weft: pass */
#include <pthread.h>
#include <stdlib.h>

int *block;
int freed;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *thread(void *arg)
{
    pthread_mutex_lock(&lock);
    free(block);
    freed = 1;
    pthread_mutex_unlock(&lock);
    return arg;
}

int main(void)
{
    block = malloc(100);
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_mutex_lock(&lock);
    if (freed)
        block[0] = 42;
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    return 0;
}
