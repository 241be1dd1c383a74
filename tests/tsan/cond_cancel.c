/* Ported from LLVM compiler-rt/test/tsan/cond_cancel.c (rewritten for
 * weft): a thread cancelled in pthread_cond_wait. Threads are goroutines
 * under weft, which cannot be cancelled: the call is refused, by name.
 * tsan: pass
 * weft: panic
 * output: panic: pthread_cancel: not supported under weft */
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *waiter(void *arg)
{
    pthread_mutex_lock(&lock);
    for (;;)
        pthread_cond_wait(&never, &lock);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    pthread_cancel(t);
    pthread_join(t, NULL);
    return 0;
}
