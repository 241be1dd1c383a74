/*
 * When the scheduler polls the netpoller (the policy; netpoll.c is the
 * mechanism). pick_next calls netpoll_schedule only while someone is
 * parked on I/O, so programs without sockets make no extra syscall.
 *
 * Real time (ordinary runs):
 *  - idle (nothing runnable): wait in epoll until the next timer is due,
 *    or forever with no timer — never a deadlock while I/O is awaited;
 *  - busy: poll every POLL_EVERY scheduling decisions, so goroutines woken
 *    by I/O are not starved by a busy run queue (as Go's scheduler loop).
 * Virtual time (seeded runs, weft test): I/O is handled like the timers,
 * only when every goroutine is blocked, so where it lands in a schedule
 * does not depend on how fast the kernel is:
 *  - everything ready then is delivered at once, in descriptor-id order;
 *  - if nothing is, the virtual clock jumps to the next timer (deadlines
 *    included);
 *  - with no timer either, only a peer outside the program can help: wait
 *    for it, up to the harness's io_grace_ns of real time (weft test sets
 *    a short one; none: forever),
 *    then report the deadlock.
 * Loopback traffic between goroutines of one program is in the peer's
 * socket by the time the sending call returns (Linux processes it before
 * returning to user space), so a seed replays the same schedule.
 */
#include <stdlib.h>
#include <time.h>

#include "netpoll.h"

enum { POLL_EVERY = 61, FIRST_BATCH = 128 };

static struct {
    uint32_t tick;
    struct netpoll_event *events; /* grows to what one poll returns */
    size_t capacity;
} poller;

static void grow(void)
{
    size_t capacity = poller.capacity ? poller.capacity * 2 : FIRST_BATCH;
    struct netpoll_event *events =
        realloc(poller.events, capacity * sizeof *events);
    if (!events)
        runtime_panic("netpoll: out of memory");
    poller.events = events;
    poller.capacity = capacity;
}

/* Waits up to timeout_ns, then takes everything else ready at that
 * moment too, and delivers it in one go (one order for all of it). */
static size_t poll_and_deliver(int64_t timeout_ns)
{
    if (!poller.capacity)
        grow();
    size_t count = netpoll_wait(timeout_ns, poller.events, poller.capacity);
    while (count == poller.capacity) {
        grow();
        count +=
            netpoll_wait(0, poller.events + count, poller.capacity - count);
    }
    netpoll_deliver(poller.events, count);
    return count;
}

static int64_t until_next_timer(void)
{
    if (!rt.timers.count)
        return -1;
    int64_t wait = rt.timers.timers[0]->when - clock_now();
    return wait > 0 ? wait : 0;
}

static int64_t real_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * WEFT_SECOND + ts.tv_nsec;
}

/* Virtual time, nothing runnable, nothing ready, no timer: a peer outside
 * the program may still answer; wait for it up to io_grace_ns (an
 * interrupt of the wait does not count). Returns whether anything came. */
static bool wait_for_outside_peer(void)
{
    /* the harness's grace (runtime_run_settings); 0: wait forever */
    int64_t grace_ns = rt_process.harness.io_grace_ns;
    if (grace_ns <= 0) {
        poll_and_deliver(-1); /* pick_next polls again after an interrupt */
        return true;
    }
    int64_t give_up = real_now() + grace_ns;
    for (int64_t left = grace_ns; left > 0; left = give_up - real_now())
        if (poll_and_deliver(left))
            return true;
    return false;
}

void netpoll_schedule(bool idle)
{
    if (!idle) {
        if (rt.virtual_time || ++poller.tick % POLL_EVERY != 0)
            return;
        poll_and_deliver(0);
        return;
    }
    if (!rt.virtual_time) {
        poll_and_deliver(until_next_timer());
        return;
    }
    if (poll_and_deliver(0) || rt.timers.count)
        return;
    if (!wait_for_outside_peer())
        runtime_deadlock();
}

bool netpoll_poll_now(void)
{
    size_t before = ws.runnable.length;
    poll_and_deliver(0);
    return ws.runnable.length > before;
}
