/* In the manner of LLVM compiler-rt/test/tsan's mutexset tests (written
 * for weft, their race-free twin): every write under the same mutex.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int global;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *thread(void *arg)
{
    pthread_mutex_lock(&lock);
    global++;
    pthread_mutex_unlock(&lock);
    return arg;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, thread, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    return global == 3 ? 0 : 1;
}
