/* weft's own: C11 <threads.h> under weft: a value handed over with mtx_t
 * and cnd_t, a table built with call_once, a tss_t value per thread.
 * weft: pass */
#include <threads.h>

int value, published, table;
mtx_t lock;
cnd_t changed;
once_flag once = ONCE_FLAG_INIT;
tss_t key;

static void build(void)
{
    table = 7;
}

static int producer(void *arg)
{
    call_once(&once, build);
    tss_set(key, arg);
    value = 42;
    mtx_lock(&lock);
    published = 1;
    cnd_signal(&changed);
    mtx_unlock(&lock);
    return tss_get(key) == arg ? 5 : 0;
}

int main(void)
{
    mtx_init(&lock, mtx_plain);
    cnd_init(&changed);
    tss_create(&key, NULL);
    thrd_t t;
    thrd_create(&t, producer, &value);
    call_once(&once, build);
    mtx_lock(&lock);
    while (!published)
        cnd_wait(&changed, &lock);
    mtx_unlock(&lock);
    int seen = value, result = 0;
    thrd_join(t, &result);
    cnd_destroy(&changed);
    mtx_destroy(&lock);
    return seen == 42 && result == 5 && table == 7 && tss_get(key) == NULL
               ? 0
               : 1;
}
