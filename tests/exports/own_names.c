/* A program whose own globals share names with weft's internals (the
 * runtime's state is `rt`, the scheduler's choice `choose`): linked with
 * libweft.so, each side keeps its own, and the goroutine runs. */
#include <stdio.h>
#include <weft.h>

long rt[4] = {1, 2, 3, 4};

int choose(int a)
{
    return a * 2;
}

static void hello(void *arg)
{
    (void)arg;
    puts("hello from a goroutine");
}

int main(void)
{
    weft_go(hello, NULL);
    weft_yield();
    printf("choose(21) = %d, rt[3] = %ld\n", choose(21), rt[3]);
    return 0;
}
