/* Ported from LLVM compiler-rt/test/tsan/join_detach.c (rewritten for
 * weft): detaching a thread after joining it.
 * tsan: pthread_detach on a dead thread
 * weft: panic */
#include <pthread.h>

static void *thread(void *arg)
{
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    pthread_detach(t);
    return 0;
}
