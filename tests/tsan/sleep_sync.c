/* Ported from LLVM compiler-rt/test/tsan/sleep_sync.cpp (rewritten for
 * weft): the only thing between the write and the read is a sleep, which
 * orders nothing (TSan adds "as if synchronized via sleep").
 * tsan: data race
 * weft: data race */
#include <pthread.h>
#include <unistd.h>

int global;

static void *thread(void *arg)
{
    global = 42;
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    usleep(100000);
    int seen = global;
    pthread_join(t, NULL);
    return seen == 42 || seen == 0 ? 0 : 1;
}
