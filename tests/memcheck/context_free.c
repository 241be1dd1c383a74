/*
 * Run under valgrind's memcheck (ctest memcheck/context_free): freeing a
 * context frees its done channel while a receiver woken by the cancel has
 * not run yet; when it runs, it must not touch the channel. It did (the
 * buffered-slot test read the freed channel), which memcheck reports.
 */
#include <stdio.h>
#include <weft.h>

static int woke;

static void wait_for_done(void *arg)
{
    weft_chan_recv(weft_context_done(arg), NULL);
    woke = 1;
}

int main(void)
{
    weft_context *ctx = weft_context_with_cancel(weft_context_background());
    weft_go(wait_for_done, ctx);
    weft_yield();           /* it parks on the done channel */
    weft_context_free(ctx); /* cancels (waking it), then frees the channel */
    weft_yield();           /* it runs */
    return woke == 1 ? 0 : 1;
}
