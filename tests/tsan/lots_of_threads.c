/* Ported from LLVM compiler-rt/test/tsan/lots_of_threads.c (rewritten for
 * weft): many threads started and joined, each with its own data.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

enum { THREADS = 10 };

static void *thread(void *slot)
{
    *(int *)slot = 1;
    return NULL;
}

int main(void)
{
    int slots[THREADS] = {0};
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, thread, &slots[i]);
    int sum = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        sum += slots[i];
    }
    return sum == THREADS ? 0 : 1;
}
