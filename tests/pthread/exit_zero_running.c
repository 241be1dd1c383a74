/* weft's own: main's exit(0) ends the program while its threads still run
 * or wait for ever, as exit does in C: a pass, not a leak (where main
 * returned, the blocked threads would be one).
 * weft: pass */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t never_unlocked = PTHREAD_MUTEX_INITIALIZER;

static void *busy(void *arg)
{
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&lock);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&never_unlocked);
    return arg;
}

static void *blocked(void *arg)
{
    pthread_mutex_lock(&never_unlocked);
    return arg;
}

int main(void)
{
    pthread_t t[2];
    pthread_mutex_lock(&never_unlocked);
    pthread_create(&t[0], NULL, busy, NULL);
    pthread_create(&t[1], NULL, blocked, NULL);
    exit(0);
}
