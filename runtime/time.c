/*
 * Time: the clock, a min-heap of timers, sleep, after, timers and tickers.
 *
 * Ordinary runs use CLOCK_MONOTONIC, and when nothing is runnable the
 * thread sleeps until the earliest deadline. Under a strategy with
 * virtual_time the clock starts at 0 and only moves when every goroutine is
 * blocked: it jumps to the earliest deadline, so an hour's sleep takes no
 * time and nothing depends on the wall clock.
 * When several timers are due at once, the strategy picks which fires first
 * (options in deadline, then creation order).
 * Invariant: t->heap_index is t's position in rt.timers, or TIMER_INACTIVE.
 *
 * Parallel mode: the heap is under the runtime's lock, and timers fire
 * holding it (an idle worker's find_work, parallel.c); a timer's send takes
 * its channel's lock inside it (the lock order of parallel.h). Idle workers
 * read rt.timer_count without the lock, as a hint checked again under it:
 * it is written with an atomic store.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "chan.h"
#include "parallel.h"
#include "saturate.h"

int64_t clock_now(void)
{
    if (rt.virtual_time)
        return rt.virtual_now;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * WEFT_SECOND + ts.tv_nsec;
}

int64_t weft_now(void)
{
    runtime_init_if_needed();
    return clock_now();
}

/* ---- the heap ---- */

static bool earlier(const struct timer *a, const struct timer *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_place(struct timer *t, size_t index)
{
    rt.timers[index] = t;
    t->heap_index = index;
}

/* Idle workers read the count without the runtime's lock, as a hint
 * (parallel.c): it is written atomically, under the lock. */
static void set_timer_count(size_t count)
{
    __atomic_store_n(&rt.timer_count, count, __ATOMIC_RELAXED);
}

static void sift_up(size_t index)
{
    struct timer *t = rt.timers[index];
    while (index > 0) {
        size_t parent = (index - 1) / 2;
        if (!earlier(t, rt.timers[parent]))
            break;
        heap_place(rt.timers[parent], index);
        index = parent;
    }
    heap_place(t, index);
}

static void sift_down(size_t index)
{
    struct timer *t = rt.timers[index];
    for (;;) {
        size_t child = 2 * index + 1;
        if (child >= rt.timer_count)
            break;
        if (child + 1 < rt.timer_count &&
            earlier(rt.timers[child + 1], rt.timers[child]))
            child++;
        if (!earlier(rt.timers[child], t))
            break;
        heap_place(rt.timers[child], index);
        index = child;
    }
    heap_place(t, index);
}

static void heap_push(struct timer *t)
{
    if (rt.timer_count == rt.timer_capacity) {
        size_t capacity = rt.timer_capacity ? rt.timer_capacity * 2 : 16;
        struct timer **timers = realloc(rt.timers, capacity * sizeof *timers);
        if (!timers)
            runtime_panic("timers: out of memory");
        rt.timers = timers;
        rt.timer_capacity = capacity;
    }
    rt.timers[rt.timer_count] = t;
    set_timer_count(rt.timer_count + 1);
    sift_up(rt.timer_count - 1);
}

static void heap_remove(struct timer *t)
{
    size_t index = t->heap_index;
    set_timer_count(rt.timer_count - 1);
    struct timer *last = rt.timers[rt.timer_count];
    t->heap_index = TIMER_INACTIVE;
    if (last == t)
        return;
    heap_place(last, index);
    sift_up(index);
    sift_down(last->heap_index);
}

void timer_start(struct timer *t)
{
    runtime_init_if_needed();
    if (t->seq == 0)
        t->seq = ++rt.next_timer_seq;
    heap_push(t);
    if (unlikely(rt.parallel) && rt.timers[0] == t)
        parallel_timer_changed(); /* a sleeper may wait past it */
}

bool timer_cancel(struct timer *t)
{
    if (t->heap_index == TIMER_INACTIVE)
        return false;
    heap_remove(t);
    return true;
}

bool timers_pending(void)
{
    return rt.timer_count > 0;
}

void timers_reset(void)
{
    for (size_t i = 0; i < rt.timer_count; i++)
        rt.timers[i]->heap_index = TIMER_INACTIVE;
    free(rt.timers);
    rt.timers = NULL;
    set_timer_count(0);
    rt.timer_capacity = 0;
}

/* ---- firing ---- */

static void timer_fire(struct timer *t, int64_t now)
{
    if (t->period > 0) {
        /* a ticker skips the ticks a slow reader missed */
        t->when = add_saturating(
            t->when,
            mul_saturating(t->period, 1 + (now - t->when) / t->period));
        heap_push(t);
    }
    /* detector: a timer fires on behalf of no goroutine, so its send (or a
     * context's close) carries no goroutine's clock (goroutine 0 has none) */
    DETECT(goroutine_switch, 0);
    if (t->chan)
        chan_send_nonblocking_time(t->chan, now);
    else if (t->g)
        ready(t->g);
    else if (t->fn)
        t->fn(t->arg);
    DETECT(goroutine_switch, ws.current->id);
}

static int compare_timers(const void *a, const void *b)
{
    const struct timer *x = *(struct timer *const *)a;
    const struct timer *y = *(struct timer *const *)b;
    return earlier(x, y) ? -1 : earlier(y, x);
}

/* The due timer to fire next: the earliest, or the strategy's pick. */
static struct timer *next_due(int64_t now)
{
    size_t due = 0;
    for (size_t i = 0; i < rt.timer_count && due < 2; i++)
        due += rt.timers[i]->when <= now;
    if (rt.fifo || due < 2)
        return rt.timers[0];
    due = 0;
    struct timer **list = malloc(rt.timer_count * sizeof *list);
    if (!list)
        runtime_panic("timers: out of memory");
    for (size_t i = 0; i < rt.timer_count; i++)
        if (rt.timers[i]->when <= now)
            list[due++] = rt.timers[i];
    qsort(list, due, sizeof *list, compare_timers);
    struct weft_option *options = options_buffer(due);
    for (size_t i = 0; i < due; i++)
        options[i] =
            (struct weft_option){.id = list[i]->seq, .op = WEFT_OP_TIMER};
    struct timer *chosen = list[choose(WEFT_CHOOSE_TIMER, options, due)];
    free(list);
    return chosen;
}

static void sleep_until(int64_t deadline)
{
    struct timespec ts = {deadline / WEFT_SECOND, deadline % WEFT_SECOND};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

bool timers_advance(bool must_progress)
{
    if (rt.timer_count == 0)
        return false;
    int64_t now = clock_now();
    if (must_progress && rt.timers[0]->when > now) {
        if (rt.virtual_time) {
            now = rt.virtual_now = rt.timers[0]->when;
        } else {
            sleep_until(rt.timers[0]->when);
            now = clock_now();
        }
    }
    while (rt.timer_count && rt.timers[0]->when <= now) {
        struct timer *t = next_due(now);
        heap_remove(t);
        timer_fire(t, now);
    }
    return true;
}

/* ---- the API ---- */

void weft_sleep(int64_t duration_ns)
{
    sched_point_rt(WEFT_OP_SLEEP, NULL);
    if (duration_ns <= 0) {
        RT_UNLOCK();
        weft_yield();
        return;
    }
    struct timer t = {.when = add_saturating(clock_now(), duration_ns),
                      .g = ws.current};
    timer_start(&t);
    park(WAIT_SLEEP);
    RT_UNLOCK();
}

struct weft_timer {
    struct timer timer;
};

static weft_chan *timer_channel(struct timer *t)
{
    weft_chan *c = weft_chan_make(sizeof(int64_t), 1);
    t->chan = c;
    chan_set_timer(c, t);
    return c;
}

weft_chan *weft_until(int64_t deadline_ns)
{
    runtime_init_if_needed();
    struct timer *t = calloc(1, sizeof *t);
    if (!t)
        runtime_panic("after: out of memory");
    t->when = deadline_ns;
    weft_chan *c = timer_channel(t);
    c->owns_timer = true;
    RT_LOCK();
    timer_start(t);
    RT_UNLOCK();
    return c;
}

weft_chan *weft_after(int64_t duration_ns)
{
    return weft_until(add_saturating(weft_now(), duration_ns));
}

static weft_timer *timer_make(int64_t duration_ns, int64_t period_ns)
{
    weft_timer *t = calloc(1, sizeof *t);
    if (!t)
        runtime_panic("timer: out of memory");
    t->timer.when = add_saturating(weft_now(), duration_ns);
    t->timer.period = period_ns;
    timer_channel(&t->timer);
    RT_LOCK();
    timer_start(&t->timer);
    RT_UNLOCK();
    return t;
}

weft_timer *weft_timer_new(int64_t duration_ns)
{
    return timer_make(duration_ns, 0);
}

weft_timer *weft_ticker_new(int64_t period_ns)
{
    if (period_ns <= 0)
        runtime_panic("non-positive interval for weft_ticker_new");
    return timer_make(period_ns, period_ns);
}

weft_chan *weft_timer_chan(weft_timer *t)
{
    PANIC_IF_NIL(t, "timer");
    return t->timer.chan;
}

bool weft_timer_stop(weft_timer *t)
{
    PANIC_IF_NIL(t, "timer");
    sched_point_rt(WEFT_OP_TIMER, NULL);
    bool active = timer_cancel(&t->timer);
    RT_UNLOCK();
    return active;
}

bool weft_timer_reset(weft_timer *t, int64_t duration_ns)
{
    PANIC_IF_NIL(t, "timer");
    /* a ticker's reset changes its period too, as Go's Ticker.Reset */
    bool ticker = t->timer.period > 0;
    if (ticker && duration_ns <= 0)
        runtime_panic("non-positive interval for weft_timer_reset of a ticker");
    sched_point_rt(WEFT_OP_TIMER, NULL);
    bool active = timer_cancel(&t->timer);
    if (ticker)
        t->timer.period = duration_ns;
    t->timer.when = add_saturating(clock_now(), duration_ns);
    timer_start(&t->timer);
    RT_UNLOCK();
    return active;
}

void weft_timer_free(weft_timer *t)
{
    if (!t)
        return;
    weft_chan_free(t->timer.chan); /* cancels the timer */
    free(t);
}
