/* Ported from LLVM compiler-rt/test/tsan/barrier.cpp (rewritten for
 * weft): each thread writes its slot, waits at the barrier, then reads
 * every slot.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

enum { THREADS = 3 };
int slots[THREADS];
pthread_barrier_t barrier;

static void *thread(void *arg)
{
    int me = (int)(long)arg;
    slots[me] = me + 1;
    pthread_barrier_wait(&barrier);
    int sum = 0;
    for (int i = 0; i < THREADS; i++)
        sum += slots[i];
    return (void *)(long)sum;
}

int main(void)
{
    pthread_barrier_init(&barrier, NULL, THREADS);
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, thread, (void *)i);
    int bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *sum;
        pthread_join(t[i], &sum);
        bad |= (long)sum != 6;
    }
    pthread_barrier_destroy(&barrier);
    return bad;
}
