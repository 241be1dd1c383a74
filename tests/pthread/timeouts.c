/* weft's own: every timed wait of a pthread program runs on weft's clock
 * (virtual under the harness): an hour-long timeout ends at once, with
 * ETIMEDOUT, and the clock the program reads has moved by the hour.
 * weft: pass */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t never = PTHREAD_COND_INITIALIZER;
sem_t empty;

static struct timespec in_an_hour(void)
{
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += 3600;
    return at;
}

static void *holder(void *arg)
{
    pthread_mutex_lock(&held);
    sleep(2 * 3600);
    pthread_mutex_unlock(&held);
    return arg;
}

int main(void)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct timespec at = in_an_hour();
    pthread_mutex_lock(&lock);
    int waited = pthread_cond_timedwait(&never, &lock, &at);
    pthread_mutex_unlock(&lock);

    sem_init(&empty, 0, 0);
    at = in_an_hour();
    int taken = sem_timedwait(&empty, &at);
    int taken_errno = errno;

    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    usleep(1000); /* the holder takes the lock meanwhile */
    at = in_an_hour();
    int locked = pthread_mutex_timedlock(&held, &at);
    pthread_join(t, NULL);

    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    int ok = waited == ETIMEDOUT && taken == -1 && taken_errno == ETIMEDOUT &&
             (locked == ETIMEDOUT || locked == 0) &&
             end.tv_sec - start.tv_sec >= 2 * 3600;
    if (locked == 0)
        pthread_mutex_unlock(&held);
    return ok ? 0 : 1;
}
