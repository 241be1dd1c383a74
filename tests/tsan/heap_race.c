/* Ported from LLVM compiler-rt/test/tsan/race_on_heap.cpp (rewritten for
 * weft): a heap block written by a thread and read by main, unordered.
 * tsan: data race
 * weft: data race */
#include <pthread.h>
#include <stdlib.h>

int *block;

static void *thread(void *arg)
{
    block[5] = 7;
    return arg;
}

int main(void)
{
    block = calloc(10, sizeof *block);
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    int seen = block[5];
    pthread_join(t, NULL);
    free(block);
    return seen == 7 || seen == 0 ? 0 : 1;
}
