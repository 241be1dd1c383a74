/* Ported from LLVM compiler-rt/test/tsan/simple_stack.c (rewritten for
 * weft): a write two calls deep in one thread, a read two calls deep in
 * another; the report shows both stacks.
 * tsan: data race
 * weft: data race */
#include <pthread.h>

int global;

__attribute__((noinline)) static void write_it(void) { global = 42; }
__attribute__((noinline)) static void write_via(void) { write_it(); }
__attribute__((noinline)) static int read_it(void) { return global; }
__attribute__((noinline)) static int read_via(void) { return read_it(); }

static void *writer(void *arg)
{
    write_via();
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    int seen = read_via();
    pthread_join(t, NULL);
    return seen == 42 || seen == 0 ? 0 : 1;
}
