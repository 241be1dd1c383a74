/* Ported from LLVM compiler-rt/test/tsan/mutex_cycle_long.c (rewritten
 * for weft): five mutexes taken in pairs around a cycle, by one thread.
 * TSan reports the inverted order; weft's lock-order graph leaves out a
 * cycle one thread made alone (it cannot wait for itself), and reports
 * only cycles between threads (lock_order_threads.c).
 * tsan: lock-order-inversion
 * weft: pass */
#include <pthread.h>

enum { MUTEXES = 5 };

int main(void)
{
    pthread_mutex_t m[MUTEXES];
    for (int i = 0; i < MUTEXES; i++)
        pthread_mutex_init(&m[i], NULL);
    for (int i = 0; i < MUTEXES; i++) {
        int next = (i + 1) % MUTEXES;
        pthread_mutex_lock(&m[i]);
        pthread_mutex_lock(&m[next]);
        pthread_mutex_unlock(&m[i]);
        pthread_mutex_unlock(&m[next]);
    }
    for (int i = 0; i < MUTEXES; i++)
        pthread_mutex_destroy(&m[i]);
    return 0;
}
