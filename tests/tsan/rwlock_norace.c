/* In the manner of LLVM compiler-rt/test/tsan/write_in_reader_lock.cpp
 * (written for weft, its correct twin): writers take the lock for
 * writing, readers for reading.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int global;
pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static void *writer(void *arg)
{
    pthread_rwlock_wrlock(&lock);
    global++;
    pthread_rwlock_unlock(&lock);
    return arg;
}

static void *reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&lock);
    long seen = global;
    pthread_rwlock_unlock(&lock);
    return (void *)seen;
}

int main(void)
{
    pthread_t t[3];
    pthread_create(&t[0], NULL, writer, NULL);
    pthread_create(&t[1], NULL, reader, NULL);
    pthread_create(&t[2], NULL, reader, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    return global == 1 ? 0 : 1;
}
