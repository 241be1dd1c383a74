/*
 * Time: the clock, min-heaps of timers, sleep, after, timers and tickers.
 *
 * Ordinary runs use CLOCK_MONOTONIC, and when nothing is runnable the
 * thread sleeps until the earliest deadline. Under a strategy with
 * virtual_time the clock starts at 0 and only moves when every goroutine is
 * blocked: it jumps to the earliest deadline, so an hour's sleep takes no
 * time and nothing depends on the wall clock.
 * When several timers are due at once, the strategy picks which fires first
 * (options in deadline, then creation order).
 * Invariant: t->queued says whether t waits in t->home, its heap, at
 * t->heap_index.
 *
 * One thread: every timer is in rt.timers.
 * Parallel mode, as Go's per-P timers: every timer waits in the heap of
 * the worker that first started it, always the same one (a reset from
 * elsewhere goes back there), so one lock, that heap's, guards everything
 * about the timer. Any idle worker fires any heap's due timers holding its
 * lock: a channel's send takes the channel's lock inside it, a sleep's
 * ready the scheduler's leaf lock, and nothing that holds a channel's lock
 * takes a heap's, so the order is heap, object, leaf. Firing under the
 * lock makes a cancel a barrier: once timer_cancel has the heap's lock,
 * the timer has fired completely or not at all, and its memory may go
 * (weft_chan_free). A ticker stays queued while it fires.
 * A timer that calls a function (a context's deadline, a timed Cond wait,
 * a socket's deadline) is popped under the lock, and its function runs
 * outside it, since it takes the locks of what it works on (which may be
 * held while their owners start or stop timers); its maker keeps the
 * memory until it stopped the timer or the function let go of it.
 * Each heap publishes its earliest deadline (an atomic store) for idle
 * workers choosing how long to sleep; a timer that becomes a heap's first
 * wakes a sleeper to look again (parallel_timer_changed, whose fence
 * orders the store before its look at the sleepers).
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

/* ---- a heap ---- */

static bool earlier(const struct timer *a, const struct timer *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_place(struct timer_heap *h, struct timer *t, size_t index)
{
    h->timers[index] = t;
    t->heap_index = index;
}

static void sift_up(struct timer_heap *h, size_t index)
{
    struct timer *t = h->timers[index];
    while (index > 0) {
        size_t parent = (index - 1) / 2;
        if (!earlier(t, h->timers[parent]))
            break;
        heap_place(h, h->timers[parent], index);
        index = parent;
    }
    heap_place(h, t, index);
}

static void sift_down(struct timer_heap *h, size_t index)
{
    struct timer *t = h->timers[index];
    for (;;) {
        size_t child = 2 * index + 1;
        if (child >= h->count)
            break;
        if (child + 1 < h->count &&
            earlier(h->timers[child + 1], h->timers[child]))
            child++;
        if (!earlier(h->timers[child], t))
            break;
        heap_place(h, h->timers[child], index);
        index = child;
    }
    heap_place(h, t, index);
}

/* Parallel mode: the earliest deadline, for workers that read it without
 * the heap's lock. */
static void publish_earliest(struct timer_heap *h)
{
    if (rt.parallel)
        __atomic_store_n(&h->earliest,
                         h->count ? h->timers[0]->when : INT64_MAX,
                         __ATOMIC_RELAXED);
}

static int64_t earliest_hint(struct timer_heap *h)
{
    return __atomic_load_n(&h->earliest, __ATOMIC_SEQ_CST);
}

static void heap_push(struct timer_heap *h, struct timer *t)
{
    if (h->count == h->capacity) {
        size_t capacity = h->capacity ? h->capacity * 2 : 16;
        struct timer **timers = realloc(h->timers, capacity * sizeof *timers);
        if (!timers)
            runtime_panic("timers: out of memory");
        h->timers = timers;
        h->capacity = capacity;
    }
    h->timers[h->count++] = t;
    t->queued = true;
    sift_up(h, h->count - 1);
    publish_earliest(h);
}

static void heap_remove(struct timer_heap *h, struct timer *t)
{
    size_t index = t->heap_index;
    struct timer *last = h->timers[--h->count];
    t->queued = false;
    if (last != t) {
        heap_place(h, last, index);
        sift_up(h, index);
        sift_down(h, last->heap_index);
    }
    publish_earliest(h);
}

static void heap_clear(struct timer_heap *h)
{
    for (size_t i = 0; i < h->count; i++)
        h->timers[i]->queued = false;
    free(h->timers);
    *h = (struct timer_heap){.earliest = INT64_MAX};
}

/* ---- starting and cancelling ---- */

/* A worker's heap has a lock of its own; rt.timers (one thread) needs
 * none. */
static void heap_lock(struct timer_heap *h)
{
    if (h != &rt.timers)
        lock_word_acquire(&h->lock);
}

static void heap_unlock(struct timer_heap *h)
{
    if (h != &rt.timers)
        lock_word_release(&h->lock);
}

/* Where t waits whenever it is started: chosen at its first start, so the
 * lock that guards it never changes. */
static struct timer_heap *home_of(struct timer *t)
{
    if (!t->home) {
        bool own_heap = unlikely(rt.parallel);
        t->home = own_heap ? &ws.timers : &rt.timers;
        t->seq = own_heap ? ++ws.timer_seq : ++rt.next_timer_seq;
    }
    return t->home;
}

/* Queues t in h, whose lock is held. */
static void queue_in(struct timer_heap *h, struct timer *t)
{
    heap_push(h, t);
    if (unlikely(rt.parallel) && h->timers[0] == t)
        parallel_timer_changed(); /* a sleeper may wait past it */
}

/* Queues t in its heap, locked; t is not queued. */
static struct timer_heap *push_locked(struct timer *t)
{
    struct timer_heap *h = home_of(t);
    heap_lock(h);
    queue_in(h, t);
    return h;
}

void timer_start(struct timer *t)
{
    runtime_init_if_needed();
    heap_unlock(push_locked(t));
}

uint32_t *timer_start_holding(struct timer *t)
{
    return &push_locked(t)->lock;
}

bool timer_cancel(struct timer *t)
{
    struct timer_heap *h = t->home;
    if (!h) /* never started */
        return false;
    heap_lock(h);
    bool queued = t->queued;
    if (queued)
        heap_remove(h, t);
    heap_unlock(h);
    return queued;
}

/* Cancels and starts again, as one step: two goroutines resetting t at
 * once cannot both queue it. */
bool timer_restart(struct timer *t, int64_t when, int64_t period)
{
    struct timer_heap *h = home_of(t);
    heap_lock(h);
    bool queued = t->queued;
    if (queued)
        heap_remove(h, t);
    t->when = when;
    t->period = period;
    queue_in(h, t);
    heap_unlock(h);
    return queued;
}

bool timers_pending(void)
{
    return rt.timers.count > 0;
}

void timers_reset(void)
{
    heap_clear(&rt.timers);
    if (rt.parallel)
        for (unsigned i = 0; i < rt.worker_count; i++)
            if (rt.workers[i])
                heap_clear(&rt.workers[i]->timers);
}

/* ---- firing ---- */

/* A ticker's next deadline: it skips the ticks a slow reader missed. */
static int64_t next_tick(const struct timer *t, int64_t now)
{
    return add_saturating(
        t->when, mul_saturating(t->period, 1 + (now - t->when) / t->period));
}

static void timer_fire(struct timer *t, int64_t now)
{
    if (t->period > 0) {
        t->when = next_tick(t, now);
        heap_push(&rt.timers, t);
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
    struct timer_heap *h = &rt.timers;
    size_t due = 0;
    for (size_t i = 0; i < h->count && due < 2; i++)
        due += h->timers[i]->when <= now;
    if (rt.fifo || due < 2)
        return h->timers[0];
    due = 0;
    struct timer **list = malloc(h->count * sizeof *list);
    if (!list)
        runtime_panic("timers: out of memory");
    for (size_t i = 0; i < h->count; i++)
        if (h->timers[i]->when <= now)
            list[due++] = h->timers[i];
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
    struct timer_heap *h = &rt.timers;
    if (h->count == 0)
        return false;
    int64_t now = clock_now();
    if (must_progress && h->timers[0]->when > now) {
        if (rt.virtual_time) {
            now = rt.virtual_now = h->timers[0]->when;
        } else {
            sleep_until(h->timers[0]->when);
            now = clock_now();
        }
    }
    while (h->count && h->timers[0]->when <= now) {
        struct timer *t = next_due(now);
        heap_remove(h, t);
        timer_fire(t, now);
    }
    return true;
}

/* ---- parallel mode: the workers' heaps ---- */

/* Fires h's due timers, a sleep's or a channel's, holding h's lock. */
static void worker_heap_fire(struct timer_heap *h, int64_t now)
{
    lock_word_acquire(&h->lock);
    while (h->count && h->timers[0]->when <= now) {
        struct timer *t = h->timers[0];
        if (t->period > 0) { /* a ticker stays queued */
            t->when = next_tick(t, now);
            sift_down(h, 0);
            publish_earliest(h);
        } else {
            heap_remove(h, t);
        }
        if (t->fn) { /* t is its maker's now: not touched after */
            void (*fn)(void *) = t->fn;
            void *arg = t->arg;
            lock_word_release(&h->lock);
            fn(arg);
            lock_word_acquire(&h->lock);
        } else if (t->chan) {
            chan_send_nonblocking_time(t->chan, now);
        } else {
            ready(t->g); /* t is on its stack: not touched after */
        }
    }
    lock_word_release(&h->lock);
}

void timers_fire_due(void)
{
    int64_t now = clock_now();
    if (earliest_hint(&ws.timers) <= now)
        worker_heap_fire(&ws.timers, now);
    for (unsigned i = 0; i < rt.worker_count; i++) {
        struct worker *w = __atomic_load_n(&rt.workers[i], __ATOMIC_ACQUIRE);
        if (w && w != &ws && earliest_hint(&w->timers) <= now)
            worker_heap_fire(&w->timers, now);
    }
}

int64_t timers_earliest(void)
{
    int64_t earliest = INT64_MAX;
    for (unsigned i = 0; i < rt.worker_count; i++) {
        struct worker *w = __atomic_load_n(&rt.workers[i], __ATOMIC_ACQUIRE);
        if (w) {
            int64_t when = earliest_hint(&w->timers);
            earliest = when < earliest ? when : earliest;
        }
    }
    return earliest;
}

/* ---- the API ---- */

void weft_sleep(int64_t duration_ns)
{
    sched_point(WEFT_OP_SLEEP, NULL);
    if (duration_ns <= 0) {
        weft_yield();
        return;
    }
    struct timer t = {.when = add_saturating(clock_now(), duration_ns),
                      .g = ws.current};
    if (unlikely(rt.parallel)) { /* no one fires it before we park */
        park_releasing(WAIT_SLEEP, timer_start_holding(&t));
        return;
    }
    timer_start(&t);
    park(WAIT_SLEEP);
}

struct weft_timer {
    struct timer timer;
    bool ticker; /* fixed when made: timer.period is under its heap's lock */
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
    timer_start(t);
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
    t->ticker = period_ns > 0;
    timer_channel(&t->timer);
    timer_start(&t->timer);
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
    sched_point(WEFT_OP_TIMER, NULL);
    return timer_cancel(&t->timer);
}

bool weft_timer_reset(weft_timer *t, int64_t duration_ns)
{
    PANIC_IF_NIL(t, "timer");
    /* a ticker's reset changes its period too, as Go's Ticker.Reset */
    if (t->ticker && duration_ns <= 0)
        runtime_panic("non-positive interval for weft_timer_reset of a ticker");
    sched_point(WEFT_OP_TIMER, NULL);
    return timer_restart(&t->timer, add_saturating(clock_now(), duration_ns),
                         t->ticker ? duration_ns : 0);
}

void weft_timer_free(weft_timer *t)
{
    if (!t)
        return;
    weft_chan_free(t->timer.chan); /* cancels the timer */
    free(t);
}
