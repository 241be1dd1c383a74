/* weft's own: main's exit status is the program's verdict: not 0, the
 * schedule fails as an assertion does.
 * weft: assertion failed
 * output: assertion failed: main returned 3 */
#include <pthread.h>

int result;

static void *thread(void *arg)
{
    (void)arg;
    result = 3;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    pthread_join(t, NULL);
    return result;
}
