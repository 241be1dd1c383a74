/* Ported from LLVM compiler-rt/test/tsan/global_race.cpp (rewritten for
 * weft): one element of a global array written by a thread and by main.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int array[10];

static void *thread(void *arg)
{
    array[3] = 1;
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    array[3] = 2;
    pthread_join(t, NULL);
    return 0;
}
