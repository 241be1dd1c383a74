/* In the manner of LLVM compiler-rt/test/tsan/atomic_norace.cpp (written
 * for weft, its racy twin): data published with a relaxed flag, which
 * orders nothing.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int data, published;

static void *thread(void *arg)
{
    data = 42;
    __atomic_store_n(&published, 1, __ATOMIC_RELAXED);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    int seen = 0;
    if (__atomic_load_n(&published, __ATOMIC_RELAXED))
        seen = data;
    pthread_join(t, NULL);
    return seen == 42 || seen == 0 ? 0 : 1;
}
