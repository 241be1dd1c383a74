/*
 * A timer channel, from the notes: a goroutine sleeps, then sends the time
 * it completed on a channel. Meanwhile main does something else; when it is
 * ready it receives, blocking until the goroutine delivers.
 * weft_after is the runtime's own version of the same pattern.
 */
#include <stdio.h>
#include <weft.h>

WEFT_CHAN_TYPE(time_chan, int64_t)

struct sleeper {
    int64_t delta_ns;
    time_chan *timer_chan;
};

static void sleep_then_send(void *arg)
{
    struct sleeper *s = arg;
    weft_sleep(s->delta_ns);
    time_chan_send(s->timer_chan, weft_now()); /* send time on timer_chan */
}

static long ms(int64_t ns)
{
    return (long)(ns / WEFT_MILLISECOND);
}

int main(void)
{
    int64_t start = weft_now();
    struct sleeper s = {100 * WEFT_MILLISECOND, time_chan_make(0)};
    weft_go(sleep_then_send, &s);

    /* Do something else; when ready, receive. */
    long sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += i;
    printf("meanwhile, main summed 1..1000: %ld\n", sum);

    /* The receive blocks until timer_chan delivers; the value sent is the
     * other goroutine's completion time. */
    int64_t completed_at = time_chan_recv(s.timer_chan);
    printf("the goroutine completed %ld ms after it started\n",
           ms(completed_at - start));
    time_chan_free(s.timer_chan);

    weft_chan *after = weft_after(50 * WEFT_MILLISECOND);
    int64_t fired_at;
    weft_chan_recv(after, &fired_at);
    printf("weft_after(50 ms) delivered %ld ms after that\n",
           ms(fired_at - completed_at));
    weft_chan_free(after);
    return 0;
}
