/*
 * Parallel mode (parallel.h): worker threads, their run queues, stealing,
 * sleeping and waking, and the runtime's lock.
 *
 * Each worker has a local queue and a runnext slot (the goroutine it readied
 * last, which runs next there: a ping-pong stays on one worker and never
 * crosses threads). A worker with nothing to run looks in this order: its
 * runnext and queue, due timers, the global queue, half of another worker's
 * queue; then it sleeps on a futex until woken or until the next timer. A
 * worker is woken when another has work to share (a queue of two or more, a
 * new goroutine) and no worker is already looking (spinning). When every
 * worker sleeps with goroutines still blocked and no timer pending, that is
 * a deadlock, as in one thread.
 *
 * All of it runs under the runtime's lock, except the sleep itself.
 */
#define _GNU_SOURCE
#include "parallel.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "netpoll.h"
#include "switch.h"

enum {
    IDLE_STACK = 64 * 1024,
    LOCAL_QUEUE_MAX = 256, /* past it, half goes to the global queue */
    LOCK_SPINS = 100,
    POLL_BATCH = 128, /* events taken from one netpoll_wait */
    REPORT_LOCK_TRIES = 1000, /* a millisecond apart */
};

/* ---- the lock: a futex mutex (0 free, 1 locked, 2 locked with sleepers);
 * any thread may unlock it, as the lock passes with the CPU between
 * goroutines that migrate ---- */

static _Atomic uint32_t runtime_lock;
/* The thread (its ws) that holds it, or NULL: a crash report must not wait
 * for a lock its own thread holds. Written only by the holder. */
static _Atomic(struct worker *) lock_holder;

#ifdef WEFT_HAVE_VALGRIND
/* helgrind sees the futex lock as the mutex it is (natively, a few no-op
 * instructions), so weft's own state can be checked for races under it. */
#include <valgrind/helgrind.h>
#define LOCK_ACQUIRED() VALGRIND_HG_MUTEX_LOCK_POST(&runtime_lock)
#define LOCK_RELEASING() VALGRIND_HG_MUTEX_UNLOCK_PRE(&runtime_lock)
#define LOCK_RELEASED() VALGRIND_HG_MUTEX_UNLOCK_POST(&runtime_lock)
#else
#define LOCK_ACQUIRED() ((void)0)
#define LOCK_RELEASING() ((void)0)
#define LOCK_RELEASED() ((void)0)
#endif

static long futex(_Atomic uint32_t *word, int op, uint32_t value,
                  const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, value, timeout,
                   NULL, FUTEX_BITSET_MATCH_ANY);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static void lock_slow(void)
{
    for (int i = 0; i < LOCK_SPINS; i++) {
        cpu_relax();
        uint32_t expected = 0;
        if (atomic_load_explicit(&runtime_lock, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&runtime_lock, &expected, 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return;
    }
    while (atomic_exchange_explicit(&runtime_lock, 2, memory_order_acquire))
        futex(&runtime_lock, FUTEX_WAIT_BITSET, 2, NULL);
}

void rt_lock(void)
{
    uint32_t expected = 0;
    if (!atomic_compare_exchange_strong_explicit(&runtime_lock, &expected, 1,
                                                 memory_order_acquire,
                                                 memory_order_relaxed))
        lock_slow();
    LOCK_ACQUIRED();
    atomic_store_explicit(&lock_holder, &ws, memory_order_relaxed);
}

void rt_unlock(void)
{
    atomic_store_explicit(&lock_holder, NULL, memory_order_relaxed);
    LOCK_RELEASING();
    if (atomic_exchange_explicit(&runtime_lock, 0, memory_order_release) == 2)
        futex(&runtime_lock, FUTEX_WAKE, 1, NULL);
    LOCK_RELEASED();
}

bool rt_lock_for_report(void)
{
    if (atomic_load_explicit(&lock_holder, memory_order_relaxed) == &ws)
        return true;
    /* a holder that crashed too, or was stopped, never gives it back */
    struct timespec pause = {0, 1000 * 1000};
    for (int i = 0; i < REPORT_LOCK_TRIES; i++) {
        uint32_t expected = 0;
        if (atomic_compare_exchange_strong_explicit(&runtime_lock, &expected,
                                                    1, memory_order_acquire,
                                                    memory_order_relaxed)) {
            atomic_store_explicit(&lock_holder, &ws, memory_order_relaxed);
            return true;
        }
        nanosleep(&pause, NULL);
    }
    return false;
}

/* ---- queues ---- */

/* Moves the first half (rounded up) of from onto to. */
static void queue_take_half(struct run_queue *from, struct run_queue *to)
{
    size_t half = (from->length + 1) / 2;
    while (half--)
        queue_push(to, queue_pop(from));
}

static void push_local(struct goroutine *g)
{
    queue_push(&ws.runnable, g);
    if (ws.runnable.length > LOCAL_QUEUE_MAX)
        queue_take_half(&ws.runnable, &rt.global_queue);
}

/* ---- waking ---- */

static void wake_one_worker(void)
{
    if (rt.spinning)
        return;
    if (rt.sleeper_count == 0) {
        if (rt.netpoll_polling) /* the only idle worker waits in epoll */
            netpoll_interrupt();
        return;
    }
    struct worker *w = rt.sleepers[--rt.sleeper_count];
    w->sleeping = false;
    w->spinning = true; /* counted now, so no one else wakes another */
    rt.spinning++;
    atomic_fetch_add_explicit(&w->wake, 1, memory_order_release);
    futex(&w->wake, FUTEX_WAKE, 1, NULL);
}

void parallel_ready(struct goroutine *g)
{
    g->status = G_RUNNABLE;
    if (ws.runnext)
        push_local(ws.runnext);
    ws.runnext = g;
    if (ws.runnable.length)
        wake_one_worker();
}

void parallel_spawned(struct goroutine *g)
{
    g->status = G_RUNNABLE;
    push_local(g);
    wake_one_worker();
}

void parallel_timer_changed(void)
{
    /* a sleeper may be waiting for a later deadline: let one look again */
    wake_one_worker();
}

/* ---- finding work ---- */

static struct goroutine *steal(void)
{
    unsigned n = rt.worker_count;
    for (unsigned i = 1; i < n; i++) {
        struct worker *victim = rt.workers[(ws.index + i) % n];
        if (victim && victim->runnable.length) { /* NULL: not started yet */
            queue_take_half(&victim->runnable, &ws.runnable);
            return queue_pop(&ws.runnable);
        }
    }
    return NULL;
}

static struct goroutine *find_work(void)
{
    if (unlikely(rt.timer_count))
        timers_advance(false);
    struct goroutine *g = ws.runnext;
    if (g) {
        ws.runnext = NULL;
        return g;
    }
    if ((g = queue_pop(&ws.runnable)))
        return g;
    if (rt.global_queue.length) {
        queue_take_half(&rt.global_queue, &ws.runnable);
        return queue_pop(&ws.runnable);
    }
    if ((g = steal()))
        return g;
    if (netpoll_waiting() && !rt.netpoll_polling) { /* ready I/O, no wait */
        struct netpoll_event events[POLL_BATCH];
        netpoll_deliver(events, netpoll_wait(0, events, POLL_BATCH));
        if ((g = ws.runnext)) {
            ws.runnext = NULL;
            return g;
        }
        return queue_pop(&ws.runnable);
    }
    return NULL;
}

struct goroutine *parallel_next(void)
{
    struct goroutine *g = find_work();
    return g ? g : ws.idle;
}

static void stop_spinning(void)
{
    if (ws.spinning) {
        ws.spinning = false;
        rt.spinning--;
    }
}

/* With goroutines parked on I/O, one idle worker waits in epoll (without
 * the lock) until I/O is ready, the next timer is due, or work arrives
 * (wake_one_worker interrupts it); it delivers what came, as Go's
 * findrunnable does. */
static void poll_for_work(void)
{
    stop_spinning();
    rt.netpoll_polling = true;
    int64_t timeout = -1;
    if (rt.timer_count) {
        timeout = rt.timers[0]->when - clock_now();
        if (timeout < 0)
            timeout = 0;
    }
    struct netpoll_event events[POLL_BATCH];
    rt_unlock();
    size_t count = netpoll_wait(timeout, events, POLL_BATCH);
    rt_lock();
    rt.netpoll_polling = false;
    netpoll_deliver(events, count);
}

/* Sleeps (without the lock) until woken or until the next timer is due. */
static void sleep_for_work(void)
{
    if (netpoll_waiting() && !rt.netpoll_polling) {
        poll_for_work();
        return;
    }
    stop_spinning();
    if (rt.sleeper_count + 1 == rt.worker_count && !rt.timer_count &&
        !netpoll_waiting() && !rt.netpoll_polling &&
        (rt.goroutine_count > 0 || rt.main_exited))
        runtime_deadlock(); /* no one can make progress any more */
    ws.sleeping = true;
    rt.sleepers[rt.sleeper_count++] = &ws;
    struct timespec deadline, *timeout = NULL;
    if (rt.timer_count) {
        int64_t when = rt.timers[0]->when;
        deadline = (struct timespec){when / WEFT_SECOND, when % WEFT_SECOND};
        timeout = &deadline;
    }
    uint32_t seen = atomic_load_explicit(&ws.wake, memory_order_acquire);
    rt_unlock();
    futex(&ws.wake, FUTEX_WAIT_BITSET, seen, timeout); /* absolute, monotonic */
    rt_lock();
    if (ws.sleeping) { /* a timeout, not a wake: leave the sleepers */
        ws.sleeping = false;
        for (unsigned i = 0; i < rt.sleeper_count; i++)
            if (rt.sleepers[i] == &ws) {
                rt.sleepers[i] = rt.sleepers[--rt.sleeper_count];
                break;
            }
        ws.spinning = true;
        rt.spinning++;
    }
}

/* A worker's idle context: entered, with the lock, whenever the worker
 * has nothing to run; runs what it finds, sleeps when there is nothing. */
_Noreturn static void idle_loop(void)
{
    runtime_after_resume();
    for (;;) {
        struct goroutine *g = find_work();
        if (g) {
            bool was_spinning = ws.spinning;
            stop_spinning();
            if (was_spinning) /* more may be waiting: ramp up, as Go does */
                wake_one_worker();
            runtime_switch_to(g);
            continue;
        }
        sleep_for_work();
    }
}

static struct goroutine *idle_context(void)
{
    struct stack stack;
    stack_alloc(&stack, IDLE_STACK);
    uintptr_t top = (uintptr_t)stack_top(&stack) - sizeof(struct goroutine);
    struct goroutine *g = (struct goroutine *)(top & ~(uintptr_t)63);
    *g = (struct goroutine){.stack = stack, .status = G_RUNNING};
    g->sp = context_init(g, idle_loop);
    return g;
}

static void *worker_main(void *arg)
{
    struct worker *self = &ws;
    crash_handlers_install(); /* this thread's alternate signal stack */
    rt_lock();
    self->tid = gettid();
    self->index = (unsigned)(uintptr_t)arg;
    self->idle = idle_context();
    rt.workers[self->index] = self;
    ws.current = ws.idle;
    void *thread_sp;
    weft_context_switch(&thread_sp, ws.idle->sp); /* never comes back */
    return NULL;
}

bool parallel_start(unsigned maxprocs)
{
    if (maxprocs > PARALLEL_MAX_WORKERS)
        maxprocs = PARALLEL_MAX_WORKERS;
    rt.worker_count = maxprocs;
    rt.workers[0] = &ws;
    ws.index = 0;
    ws.tid = gettid();
    ws.idle = idle_context();
    rt.parallel = true;
    /* the workers start asleep in effect: they take the lock the main
     * goroutine gives back at each operation, find nothing, and sleep */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (unsigned i = 1; i < maxprocs; i++) {
        pthread_t thread;
        if (pthread_create(&thread, &attr, worker_main, (void *)(uintptr_t)i))
            runtime_panic("cannot start worker thread %u", i);
        pthread_detach(thread);
    }
    pthread_attr_destroy(&attr);
    return true;
}
