/* Ported from LLVM compiler-rt/test/tsan/tls_race.cpp (rewritten for
 * weft): main's thread-local variable, its address handed to a thread,
 * written by both.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

__thread int local;

static void *thread(void *address)
{
    *(volatile int *)address = 7;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, &local);
    local = 8;
    pthread_join(t, NULL);
    return 0;
}
