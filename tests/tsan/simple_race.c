/* Ported from LLVM compiler-rt/test/tsan/simple_race.cpp (rewritten for
 * weft): two threads write one global, unordered.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int global; /* not static: the stores must stay */

static void *thread1(void *arg)
{
    global = 42;
    return arg;
}

static void *thread2(void *arg)
{
    global = 43;
    return arg;
}

int main(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, thread1, NULL);
    pthread_create(&t[1], NULL, thread2, NULL);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    return 0;
}
