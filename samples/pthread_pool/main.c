/*
 * A thread pool in plain pthreads, with a missed signal: a worker checks
 * the queue, and only then takes the lock to wait, so a job submitted in
 * between signals nobody and the worker sleeps forever while main waits
 * for the job to be done. Every goroutine blocked: weft reports the
 * deadlock, with each thread's stack.
 *     weft test --pthread build/samples/pthread_pool
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

enum { JOBS = 2 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static int queued, finished;
static bool closing;

/* The bug: "is there work?" is asked without the lock, and the wait that
 * follows does not ask again. */
static bool queue_empty(void)
{
    pthread_mutex_lock(&lock);
    bool empty = queued == 0;
    pthread_mutex_unlock(&lock);
    return empty;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        if (queue_empty()) {
            pthread_mutex_lock(&lock);
            if (closing) {
                pthread_mutex_unlock(&lock);
                return NULL;
            }
            pthread_cond_wait(&work, &lock); /* a signal before this is lost */
            pthread_mutex_unlock(&lock);
            continue;
        }
        pthread_mutex_lock(&lock);
        if (queued > 0) {
            queued--;
            finished++;
            pthread_cond_signal(&done);
        }
        pthread_mutex_unlock(&lock);
    }
}

static void submit(void)
{
    pthread_mutex_lock(&lock);
    queued++;
    pthread_cond_signal(&work);
    pthread_mutex_unlock(&lock);
}

int main(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    for (int i = 0; i < JOBS; i++)
        submit();
    pthread_mutex_lock(&lock);
    while (finished < JOBS)
        pthread_cond_wait(&done, &lock);
    closing = true;
    pthread_cond_broadcast(&work);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    printf("%d jobs done\n", finished);
    return 0;
}
