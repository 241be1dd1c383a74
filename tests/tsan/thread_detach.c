/* Ported from LLVM compiler-rt/test/tsan/thread_detach.c (rewritten for
 * weft): a thread detached by its creator, and one that detaches itself.
 * tsan: pass
 * weft: pass */
#include <pthread.h>
#include <unistd.h>

static void *thread(void *arg)
{
    return arg;
}

static void *self_detaching(void *arg)
{
    pthread_detach(pthread_self());
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_detach(t);
    pthread_create(&t, NULL, self_detaching, NULL);
    usleep(1000);
    return 0;
}
