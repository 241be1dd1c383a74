/* A program built against an installed weft: a goroutine and a channel. */
#include <stdio.h>
#include <weft.h>

static void answer(void *arg)
{
    weft_chan_send(arg, &(int){42});
}

int main(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(answer, c);
    int v;
    weft_chan_recv(c, &v);
    printf("answer %d from goroutine 2\n", v);
    return v == 42 ? 0 : 1;
}
