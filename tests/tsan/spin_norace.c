/* In the manner of LLVM compiler-rt/test/tsan's mutex tests (written for
 * weft; TSan intercepts pthread_spin_* as a lock): a counter under a spin
 * lock.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int global;
pthread_spinlock_t lock;

static void *thread(void *arg)
{
    pthread_spin_lock(&lock);
    global++;
    pthread_spin_unlock(&lock);
    return arg;
}

int main(void)
{
    pthread_spin_init(&lock, PTHREAD_PROCESS_PRIVATE);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_spin_destroy(&lock);
    return global == 2 ? 0 : 1;
}
