/* Ported from LLVM compiler-rt/test/tsan/mutex_double_lock.cpp (rewritten
 * for weft): a thread locks a normal mutex it holds. TSan names the
 * double lock; under weft it blocks, as in glibc, and every thread is
 * then asleep.
 * tsan: double lock of a mutex
 * weft: deadlock */
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
    pthread_mutex_lock(&lock);
    pthread_mutex_lock(&lock);
    pthread_mutex_unlock(&lock);
    return 0;
}
