/* weft's own: each thread's __thread variables are its own, as POSIX gives
 * them: every thread counts to N in its own counter, which starts from its
 * initial value (.tdata) or zero (.tbss) whatever the others did, and no
 * race is reported between the threads' copies.
 * weft: pass */
#include <assert.h>
#include <pthread.h>
#include <threads.h>

enum { THREADS = 3, N = 50 };

__thread long counter;          /* .tbss: zero in each new thread */
thread_local int start = 1000;  /* .tdata: its image in each new thread */
__thread char name[8] = "main"; /* likewise */

static void count(long tag)
{
    assert(counter == 0 && start == 1000);
    start = (int)tag;
    name[0] = (char)('0' + tag);
    for (int i = 0; i < N; i++) {
        long seen = counter;
        sched_yield(); /* the others run, and count in theirs */
        counter = seen + 1;
    }
    assert(counter == N && start == tag && name[0] == '0' + tag);
}

static void *thread(void *tag)
{
    count((long)tag);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, thread, (void *)(i + 1));
    count(0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert(counter == N && start == 0 && name[0] == '0');
    return 0;
}
