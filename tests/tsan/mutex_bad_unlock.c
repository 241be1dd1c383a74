/* Ported from LLVM compiler-rt/test/tsan/mutex_bad_unlock.cpp (rewritten
 * for weft): unlocking a mutex nobody holds.
 * tsan: unlock of an unlocked mutex
 * weft: panic */
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
    pthread_mutex_unlock(&lock);
    return 0;
}
