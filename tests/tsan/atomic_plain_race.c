/* Ported from LLVM compiler-rt/test/tsan/atomic_stack.cpp (rewritten for
 * weft): an atomic store and a plain store to the same int.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int global;

static void *thread(void *arg)
{
    __atomic_store_n(&global, 1, __ATOMIC_SEQ_CST);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    global = 2;
    pthread_join(t, NULL);
    return 0;
}
