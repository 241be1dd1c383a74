/* Ported from LLVM compiler-rt/test/tsan/thread_leak3.c (rewritten for
 * weft): a joinable thread that ends and is never joined. TSan reports a
 * thread leak; weft reports only threads still blocked when main ends.
 * tsan: thread leak
 * weft: pass */
#include <pthread.h>
#include <unistd.h>

static void *thread(void *arg)
{
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    usleep(1000);
    return 0;
}
