/* In the manner of LLVM compiler-rt/test/tsan's tsd tests (written for
 * weft): each thread's pthread_key value is its own, and its destructor
 * runs when the thread ends.
 * tsan: pass
 * weft: pass */
#include <pthread.h>
#include <stdlib.h>

pthread_key_t key;
int destroyed;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void destroy(void *value)
{
    pthread_mutex_lock(&lock);
    destroyed++;
    pthread_mutex_unlock(&lock);
    free(value);
}

static void *thread(void *arg)
{
    int *mine = malloc(sizeof *mine);
    *mine = (int)(long)arg;
    pthread_setspecific(key, mine);
    int *seen = pthread_getspecific(key);
    return (void *)(long)(seen == mine && *seen == (int)(long)arg);
}

int main(void)
{
    pthread_key_create(&key, destroy);
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread, (void *)i);
    int good = 1;
    for (int i = 0; i < 2; i++) {
        void *ok;
        pthread_join(t[i], &ok);
        good &= ok != NULL;
    }
    return good && destroyed == 2 && pthread_getspecific(key) == NULL ? 0 : 1;
}
