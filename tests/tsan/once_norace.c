/* In the manner of LLVM compiler-rt/test/tsan's pthread_once cases
 * (written for weft; TSan's interceptor orders init before every
 * return): a table built once, read by every thread.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int table[4];
pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
    for (int i = 0; i < 4; i++)
        table[i] = i * i;
}

static void *thread(void *arg)
{
    (void)arg;
    pthread_once(&once, build);
    return (void *)(long)table[3];
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread, NULL);
    pthread_once(&once, build);
    int bad = table[2] != 4;
    for (int i = 0; i < 2; i++) {
        void *seen;
        pthread_join(t[i], &seen);
        bad |= (long)seen != 9;
    }
    return bad;
}
