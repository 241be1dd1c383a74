/* Ported from LLVM compiler-rt/test/tsan/atomic_norace.cpp (rewritten for
 * weft): data published by a release store, read after an acquire load
 * that sees it.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int data, published;

static void *thread(void *arg)
{
    data = 42;
    __atomic_store_n(&published, 1, __ATOMIC_RELEASE);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    int seen = 42;
    if (__atomic_load_n(&published, __ATOMIC_ACQUIRE))
        seen = data;
    pthread_join(t, NULL);
    return seen == 42 ? 0 : 1;
}
