/* Ported from LLVM compiler-rt/test/tsan/mutex_destroy_locked.cpp
 * (rewritten for weft): destroying a mutex that is held. TSan reports it;
 * weft's pthread_mutex_destroy returns EBUSY, as POSIX allows, and
 * reports nothing.
 * tsan: destroy of a locked mutex
 * weft: pass */
#include <pthread.h>

int main(void)
{
    pthread_mutex_t lock;
    pthread_mutex_init(&lock, NULL);
    pthread_mutex_lock(&lock);
    pthread_mutex_destroy(&lock);
    return 0;
}
