/* Ported from LLVM compiler-rt/test/tsan/write_in_reader_lock.cpp
 * (rewritten for weft): two threads write while each holds the rwlock
 * for reading only.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int global;
pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static void *thread(void *arg)
{
    pthread_rwlock_rdlock(&lock);
    global++;
    pthread_rwlock_unlock(&lock);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_rwlock_rdlock(&lock);
    global++;
    pthread_rwlock_unlock(&lock);
    pthread_join(t, NULL);
    return 0;
}
