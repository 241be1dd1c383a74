/* Ported from LLVM compiler-rt/test/tsan/stack_race.cpp (rewritten for
 * weft): main's local variable, its address handed to a thread, written
 * by both.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

static void *thread(void *local)
{
    *(volatile int *)local = 42;
    return NULL;
}

int main(void)
{
    volatile int local = 0;
    pthread_t t;
    pthread_create(&t, NULL, thread, (void *)&local);
    local = 43;
    pthread_join(t, NULL);
    return 0;
}
