/* Ported from LLVM compiler-rt/test/tsan/thread_exit.c (rewritten for
 * weft): a thread ends with pthread_exit, and join gets its value.
 * tsan: pass
 * weft: pass */
#include <pthread.h>

int var;

static void *thread(void *arg)
{
    (void)arg;
    pthread_exit(&var);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    void *result = NULL;
    pthread_join(t, &result);
    return result == &var ? 0 : 1;
}
