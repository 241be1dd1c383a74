/* weft's own: two C11 threads write one global, unordered; the report
 * names them as threads and where thrd_create started them.
 * weft: data race
 * output: by thread T2:
 * output: Thread T1 (
 * output:   main() */
#include <threads.h>

int global;

static int writer(void *arg)
{
    global = (int)(long)arg;
    return 0;
}

int main(void)
{
    thrd_t t[2];
    for (long i = 0; i < 2; i++)
        thrd_create(&t[i], writer, (void *)(i + 1));
    for (int i = 0; i < 2; i++)
        thrd_join(t[i], NULL);
    return 0;
}
