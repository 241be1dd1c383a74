/* Ported from LLVM compiler-rt/test/tsan/race_on_barrier.c (rewritten for
 * weft): one thread initialises a barrier while another waits on it. TSan
 * reports the race on the barrier's memory; weft keeps a barrier's state
 * apart from the program's accesses, and a schedule in which the wait
 * comes first is a panic naming the call.
 * tsan: data race
 * weft: panic */
#include <pthread.h>

pthread_barrier_t barrier;

static void *initialiser(void *arg)
{
    pthread_barrier_init(&barrier, NULL, 2);
    pthread_barrier_wait(&barrier);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, initialiser, NULL);
    pthread_barrier_wait(&barrier);
    pthread_join(t, NULL);
    return 0;
}
