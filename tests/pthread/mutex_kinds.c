/* weft's own: what each kind of pthread mutex answers, as POSIX says: an
 * error-checking mutex refuses a relock (EDEADLK) and an unlock by
 * another thread (EPERM); a recursive one counts; trylock of a held one
 * is EBUSY.
 * weft: pass */
#include <errno.h>
#include <pthread.h>

pthread_mutex_t checked, counted;

static void *other(void *arg)
{
    (void)arg;
    long answers = pthread_mutex_unlock(&checked) == EPERM;
    answers += pthread_mutex_trylock(&counted) == EBUSY;
    return (void *)answers;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&checked, &attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&counted, &attr);
    pthread_mutexattr_destroy(&attr);

    int ok = pthread_mutex_lock(&checked) == 0;
    ok &= pthread_mutex_lock(&checked) == EDEADLK;
    ok &= pthread_mutex_lock(&counted) == 0;
    ok &= pthread_mutex_lock(&counted) == 0;
    pthread_t t;
    pthread_create(&t, NULL, other, NULL);
    void *answers;
    pthread_join(t, &answers);
    ok &= (long)answers == 2;
    ok &= pthread_mutex_unlock(&counted) == 0;
    ok &= pthread_mutex_unlock(&counted) == 0;
    ok &= pthread_mutex_unlock(&counted) == EPERM;
    ok &= pthread_mutex_unlock(&checked) == 0;
    return ok ? 0 : 1;
}
