/*
 * Parallel mode (parallel.h): worker threads, their run queues, stealing,
 * sleeping and waking.
 *
 * Each worker has a runnext slot (the goroutine it readied last, which runs
 * next there: a ping-pong stays on one worker) and a local run queue, a
 * ring that its owner pushes and pops and other workers steal half of
 * without a lock (as Go's runq). A worker with nothing to run looks in
 * this order: due timers, its runnext and queue, the global queue, half of
 * another worker's queue, ready I/O; then, if at most half the workers do,
 * it spins a while looking again (and finally takes a goroutine that has
 * sat in a busy worker's runnext for microseconds); then it sleeps on a
 * futex until woken or until the next timer. A worker is woken when
 * another has work to share (a new goroutine, or a readied one while
 * others wait in its queue) and no worker is already looking (spinning).
 * When every worker sleeps with goroutines still blocked and no timer or
 * I/O pending, that is a deadlock, as in one thread.
 *
 * Locks and memory ordering:
 *  - A local queue: head is moved by CAS (owner pop, thieves), tail only by
 *    its owner (store-release after the slot is written); a thief reads
 *    the slots between head and tail, then claims them by CAS on head, so a
 *    slot it read is one no one has taken. runnext is exchanged by its
 *    owner, and taken by a thief (compare-and-swap) only from a worker
 *    whose queue is empty, after the thief has spun a while (the owner is
 *    then busy with something else: a ping-pong stays put). Everything
 *    else in a worker is its own thread's (its goroutine list too:
 *    sched.c).
 *  - The scheduler's lock (sched.lock) guards the global queue and the
 *    sleepers; it is a leaf: nothing else is taken while it is held, so it
 *    may be taken under an object's lock or the runtime's.
 *  - idle_count and spinning are read without the lock. A worker that goes
 *    to sleep registers (idle_count + 1, under the lock) and then looks at
 *    every queue once more; a worker that queued work reads idle_count
 *    after its push. Both sides are sequentially consistent, so at least
 *    one sees the other: no work is left behind a sleeping worker.
 *  - Timers wait in per-worker heaps, each with its lock (a leaf but for
 *    what a firing takes: time.c); one idle worker at a time waits in
 *    epoll, and events are delivered under their records' locks.
 */
#define _GNU_SOURCE
#include "parallel.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "netpoll.h"
#include "switch.h"

enum {
    IDLE_STACK = 64 * 1024,
    POLL_BATCH = 128, /* events taken from one netpoll_wait */
    /* every so many schedules, a worker looks at timers, the global
     * queue and I/O before its own queue (Go's schedtick % 61) */
    FAIRNESS_TICKS = 61,
    SPIN_ROUNDS = 64, /* spin_for_work: some 30 µs */
    SPIN_PAUSES = 32,
    RUNNEXT_PAUSES = 256, /* some microseconds: steal_runnext */
};

/* ---- the scheduler's lock: the global queue and the sleepers ---- */

static struct {
    uint32_t lock;
    struct run_queue global;
    _Atomic size_t global_count; /* global.length, for a look without lock */
    struct worker *sleepers[PARALLEL_MAX_WORKERS];
    unsigned sleeper_count;
    _Atomic unsigned idle_count;   /* sleeper_count, for a look without lock */
    _Atomic unsigned spinning;     /* workers woken and looking for work */
    _Atomic bool netpoll_polling;  /* a worker waits in netpoll_wait */
} sched;

static void global_push_locked(struct goroutine *g)
{
    queue_push(&sched.global, g);
    atomic_store_explicit(&sched.global_count, sched.global.length,
                          memory_order_relaxed);
}

/* ---- local queues ---- */

static inline uint32_t load_acquire(_Atomic uint32_t *word)
{
    return atomic_load_explicit(word, memory_order_acquire);
}

static bool claim(struct local_queue *q, uint32_t head, uint32_t n)
{
    return atomic_compare_exchange_strong_explicit(
        &q->head, &head, head + n, memory_order_acq_rel, memory_order_relaxed);
}

/* The local queue is full: half of it and g go to the global queue. */
static bool push_overflow(struct goroutine *g, uint32_t head, uint32_t tail)
{
    struct goroutine *batch[LOCAL_QUEUE_SIZE / 2 + 1];
    uint32_t n = (tail - head) / 2;
    for (uint32_t i = 0; i < n; i++)
        batch[i] = atomic_load_explicit(
            &ws.local.slots[(head + i) % LOCAL_QUEUE_SIZE],
            memory_order_relaxed);
    if (!claim(&ws.local, head, n))
        return false; /* a thief took some: there is room now */
    batch[n++] = g;
    lock_word_acquire(&sched.lock);
    for (uint32_t i = 0; i < n; i++) {
        lock_handed_over(batch[i]);
        lock_hand_over(batch[i]);
        global_push_locked(batch[i]);
    }
    lock_word_release(&sched.lock);
    return true;
}

static void local_push(struct goroutine *g)
{
    for (;;) {
        uint32_t head = load_acquire(&ws.local.head);
        uint32_t tail =
            atomic_load_explicit(&ws.local.tail, memory_order_relaxed);
        if (tail - head < LOCAL_QUEUE_SIZE) {
            lock_hand_over(g);
            atomic_store_explicit(&ws.local.slots[tail % LOCAL_QUEUE_SIZE], g,
                                  memory_order_relaxed);
            atomic_store_explicit(&ws.local.tail, tail + 1,
                                  memory_order_release);
            return;
        }
        if (push_overflow(g, head, tail))
            return;
    }
}

static struct goroutine *local_pop(void)
{
    for (;;) {
        uint32_t head = load_acquire(&ws.local.head);
        uint32_t tail =
            atomic_load_explicit(&ws.local.tail, memory_order_relaxed);
        if (head == tail)
            return NULL;
        struct goroutine *g = atomic_load_explicit(
            &ws.local.slots[head % LOCAL_QUEUE_SIZE], memory_order_relaxed);
        if (claim(&ws.local, head, 1)) {
            lock_handed_over(g);
            return g;
        }
    }
}

static bool local_empty(const struct worker *w)
{
    return atomic_load_explicit(&w->local.head, memory_order_acquire) ==
           atomic_load_explicit(&w->local.tail, memory_order_acquire);
}

/* Takes half of victim's queue (rounded up, or all of two); returns the
 * oldest and queues the rest here. The caller's own queue is empty. */
static struct goroutine *steal_from(struct worker *victim)
{
    struct goroutine *batch[LOCAL_QUEUE_SIZE / 2];
    uint32_t n;
    for (;;) {
        uint32_t head = load_acquire(&victim->local.head);
        uint32_t tail = load_acquire(&victim->local.tail);
        n = tail - head;
        /* half, rounded up; both of two, so a pair of goroutines that
         * wake each other moves together (two pingpong pairs queued on
         * one worker end up one on each) */
        if (n > 2)
            n -= n / 2;
        if (n == 0)
            return NULL;
        if (n > LOCAL_QUEUE_SIZE / 2)
            continue; /* head and tail read at different times: again */
        for (uint32_t i = 0; i < n; i++)
            batch[i] = atomic_load_explicit(
                &victim->local.slots[(head + i) % LOCAL_QUEUE_SIZE],
                memory_order_relaxed);
        if (claim(&victim->local, head, n))
            break;
    }
    for (uint32_t i = 0; i < n; i++)
        lock_handed_over(batch[i]);
    for (uint32_t i = 1; i < n; i++) /* the oldest runs first */
        local_push(batch[i]);
    return batch[0];
}

/* The goroutine a busy worker readied last and has not run yet: taken only
 * if it is still there a few microseconds later (the same one: a ping-pong
 * puts a new one there every switch), as Go's runqgrab. */
static struct goroutine *steal_runnext(struct worker *victim)
{
    struct goroutine *g =
        atomic_load_explicit(&victim->runnext, memory_order_relaxed);
    if (!g)
        return NULL;
    for (int i = 0; i < RUNNEXT_PAUSES; i++)
        cpu_relax();
    if (!atomic_compare_exchange_strong_explicit(
                  &victim->runnext, &g, NULL, memory_order_acq_rel,
                  memory_order_relaxed))
        return NULL;
    lock_handed_over(g);
    return g;
}

static struct goroutine *steal(bool runnext_too)
{
    unsigned n = rt.worker_count;
    for (unsigned i = 1; i < n; i++) {
        /* NULL: not started yet */
        struct worker *victim =
            __atomic_load_n(&rt.workers[(ws.index + i) % n], __ATOMIC_ACQUIRE);
        if (!victim)
            continue;
        struct goroutine *g = NULL;
        if (!local_empty(victim))
            g = steal_from(victim);
        else if (runnext_too)
            g = steal_runnext(victim);
        if (g)
            return g;
    }
    return NULL;
}

/* Takes a share of the global queue: some for here, one to run. */
static struct goroutine *global_take(void)
{
    if (atomic_load_explicit(&sched.global_count, memory_order_relaxed) == 0)
        return NULL;
    lock_word_acquire(&sched.lock);
    size_t share = sched.global.length / rt.worker_count + 1;
    if (share > LOCAL_QUEUE_SIZE / 2)
        share = LOCAL_QUEUE_SIZE / 2;
    struct goroutine *g = queue_pop(&sched.global);
    for (size_t i = 1; g && i < share && sched.global.length; i++)
        local_push(queue_pop(&sched.global));
    atomic_store_explicit(&sched.global_count, sched.global.length,
                          memory_order_relaxed);
    lock_word_release(&sched.lock);
    return g;
}

/* Whether any queue holds work: a sleeper's last look. */
static bool work_visible(void)
{
    if (atomic_load_explicit(&sched.global_count, memory_order_seq_cst))
        return true;
    for (unsigned i = 0; i < rt.worker_count; i++) {
        struct worker *w = __atomic_load_n(&rt.workers[i], __ATOMIC_ACQUIRE);
        if (w && !local_empty(w))
            return true;
    }
    return false;
}

/* ---- waking ---- */

static void wake_one_worker(void)
{
    atomic_thread_fence(memory_order_seq_cst); /* after the push (above) */
    if (atomic_load_explicit(&sched.spinning, memory_order_relaxed))
        return; /* a spinning worker will find it */
    if (atomic_load_explicit(&sched.idle_count, memory_order_seq_cst) == 0) {
        if (atomic_load_explicit(&sched.netpoll_polling,
                                 memory_order_relaxed))
            netpoll_interrupt(); /* the only idle worker waits in epoll */
        return;
    }
    unsigned none = 0;
    if (!atomic_compare_exchange_strong(&sched.spinning, &none, 1))
        return;
    lock_word_acquire(&sched.lock);
    if (sched.sleeper_count == 0) {
        lock_word_release(&sched.lock);
        atomic_fetch_sub(&sched.spinning, 1);
        return;
    }
    struct worker *w = sched.sleepers[--sched.sleeper_count];
    atomic_store(&sched.idle_count, sched.sleeper_count);
    w->sleeping = false;
    w->spinning = true; /* counted above, so no one else wakes another */
    lock_word_release(&sched.lock);
    lock_hand_over(&w->wake);
    atomic_fetch_add_explicit(&w->wake, 1, memory_order_release);
    lock_futex(&w->wake, FUTEX_WAKE, 1, NULL);
}

void parallel_ready(struct goroutine *g)
{
    g->status = G_RUNNABLE;
    lock_hand_over(g);
    struct goroutine *displaced =
        atomic_exchange_explicit(&ws.runnext, g, memory_order_acq_rel);
    if (displaced)
        local_push(displaced);
    /* work waits here besides g: an idle worker may take it (as Go's
     * ready, which always calls wakep) */
    if (!local_empty(&ws))
        wake_one_worker();
}

void parallel_spawned(struct goroutine *g)
{
    g->status = G_RUNNABLE;
    local_push(g);
    wake_one_worker();
}

void parallel_requeue(struct goroutine *g)
{
    g->status = G_RUNNABLE;
    local_push(g);
}

void parallel_timer_changed(void)
{
    /* a sleeper may be waiting for a later deadline: let one look again */
    wake_one_worker();
}

/* ---- finding work ---- */

static struct goroutine *local_next(void)
{
    if (atomic_load_explicit(&ws.runnext, memory_order_relaxed)) {
        struct goroutine *g =
            atomic_exchange_explicit(&ws.runnext, NULL, memory_order_acq_rel);
        if (g) /* not stolen meanwhile */
            return g;
    }
    return local_pop();
}

/* Whether a timer waits anywhere (time.c); without a lock, as a hint. */
static bool timers_hinted(void)
{
    return timers_earliest() != INT64_MAX;
}

static struct goroutine *poll_ready_io(void)
{
    if (!netpoll_waiting() ||
        atomic_load_explicit(&sched.netpoll_polling, memory_order_relaxed))
        return NULL;
    struct netpoll_event events[POLL_BATCH];
    netpoll_deliver(events, netpoll_wait(0, events, POLL_BATCH));
    return local_next();
}

/* Everywhere work may be; holds no lock on entry. */
static struct goroutine *find_work(void)
{
    if (timers_hinted())
        timers_fire_due(); /* what they ready runs here */
    struct goroutine *g;
    if ((g = local_next()) || (g = global_take()) || (g = steal(false)))
        return g;
    return poll_ready_io();
}

struct goroutine *parallel_next(void)
{
    /* the locks of a parked goroutine may still be held here: only what
     * takes none (or only the scheduler's leaf lock) */
    if (++ws.ticks % FAIRNESS_TICKS == 0)
        return ws.idle; /* the idle context looks everywhere */
    struct goroutine *g = local_next();
    return g ? g : ws.idle;
}

static void stop_spinning(void)
{
    if (ws.spinning) {
        ws.spinning = false;
        atomic_fetch_sub(&sched.spinning, 1);
    }
}

/* With goroutines parked on I/O, one idle worker waits in epoll until I/O
 * is ready, the next timer is due, or work arrives (wake_one_worker
 * interrupts it); it delivers what came, as Go's findrunnable does. */
static void poll_for_work(void)
{
    stop_spinning();
    bool expected = false;
    if (!atomic_compare_exchange_strong(&sched.netpoll_polling, &expected,
                                        true))
        return;
    int64_t timeout = -1, earliest = timers_earliest();
    if (earliest != INT64_MAX) {
        timeout = earliest - clock_now();
        if (timeout < 0)
            timeout = 0;
    }
    struct netpoll_event events[POLL_BATCH];
    size_t count = 0;
    if (!work_visible())
        count = netpoll_wait(timeout, events, POLL_BATCH);
    atomic_store(&sched.netpoll_polling, false);
    netpoll_deliver(events, count);
}

static bool nothing_can_progress(void)
{
    /* every other worker sleeps: no goroutine runs, so neither timers nor
     * the counts can change under this look */
    return sched.sleeper_count + 1 == rt.worker_count && !timers_hinted() &&
           !netpoll_waiting() &&
           !atomic_load(&sched.netpoll_polling) &&
           (goroutines_live() > 0 || rt.main_exited);
}

/* Leaves the sleepers if still there (a timeout, or work seen after
 * registering); otherwise a waker took this worker out and counted it as
 * spinning. */
static void leave_sleepers(void)
{
    lock_word_acquire(&sched.lock);
    if (ws.sleeping) {
        ws.sleeping = false;
        for (unsigned i = 0; i < sched.sleeper_count; i++)
            if (sched.sleepers[i] == &ws) {
                sched.sleepers[i] = sched.sleepers[--sched.sleeper_count];
                break;
            }
        atomic_store(&sched.idle_count, sched.sleeper_count);
        ws.spinning = true;
        atomic_fetch_add(&sched.spinning, 1);
    }
    lock_word_release(&sched.lock);
}

/* Sleeps until woken or until the next timer is due. */
static void sleep_for_work(void)
{
    if (netpoll_waiting() &&
        !atomic_load_explicit(&sched.netpoll_polling, memory_order_relaxed)) {
        poll_for_work();
        return;
    }
    stop_spinning();
    lock_word_acquire(&sched.lock);
    if (sched.global.length) {
        lock_word_release(&sched.lock);
        return;
    }
    if (nothing_can_progress())
        runtime_deadlock();
    ws.sleeping = true;
    sched.sleepers[sched.sleeper_count++] = &ws;
    atomic_store(&sched.idle_count, sched.sleeper_count);
    uint32_t seen = atomic_load_explicit(&ws.wake, memory_order_acquire);
    lock_word_release(&sched.lock);
    if (work_visible()) { /* queued before we registered */
        leave_sleepers();
        return;
    }
    struct timespec deadline, *timeout = NULL;
    int64_t when = timers_earliest();
    if (when != INT64_MAX) {
        deadline = (struct timespec){when / WEFT_SECOND, when % WEFT_SECOND};
        timeout = &deadline;
    }
    lock_futex(&ws.wake, FUTEX_WAIT_BITSET, seen, timeout); /* absolute */
    lock_handed_over(&ws.wake);
    leave_sleepers();
}

/* A worker's idle context: entered whenever the worker has nothing to run
 * next (and every FAIRNESS_TICKS schedules); releases what the goroutine
 * before it parked with (after_resume), runs what it finds, sleeps when
 * there is nothing. */
/* Before sleeping, a worker looks again for a little while (some tens of
 * microseconds), counted as spinning so no one wakes another meanwhile:
 * work that comes every few microseconds (a pipeline's items) is then
 * taken without a futex sleep and wake per item. At most half the workers
 * spin, as Go's findrunnable allows. */
static struct goroutine *spin_for_work(void)
{
    unsigned spinning = atomic_load(&sched.spinning);
    if (!ws.spinning) {
        if (2 * spinning >= rt.worker_count)
            return NULL;
        ws.spinning = true;
        atomic_fetch_add(&sched.spinning, 1);
    }
    for (int round = 0; round < SPIN_ROUNDS; round++) {
        for (int i = 0; i < SPIN_PAUSES; i++)
            cpu_relax();
        if (work_visible() || timers_hinted()) {
            struct goroutine *g = find_work();
            if (g)
                return g;
        }
    }
    /* a goroutine still waiting in another's runnext after all that: its
     * worker is busy with something else */
    return steal(true);
}

_Noreturn static void idle_loop(void)
{
    runtime_after_resume();
    for (;;) {
        goroutines_take_returned();
        struct goroutine *g = find_work();
        if (!g)
            g = spin_for_work();
        if (g) {
            if (ws.spinning) { /* more may be waiting: ramp up, as Go */
                stop_spinning();
                wake_one_worker();
            }
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
    g->fiber = FIBER_CREATE();
    return g;
}

/* What the workers read and write with atomics alone: helgrind, which
 * does not model them, is told not to look (lock_hand_over orders what
 * they carry). */
static void atomics_unchecked(struct worker *w)
{
    lock_hint_word(&w->local, sizeof w->local);
    lock_hint_word(&w->wake, sizeof w->wake);
    lock_hint_word(&w->runnext, sizeof w->runnext);
    lock_hint_word(&w->started, sizeof w->started);
    lock_hint_word(&w->ended, sizeof w->ended);
    lock_hint_word(&w->returned, sizeof w->returned);
    lock_hint_word(&w->index, sizeof w->index);
    lock_hint_word(&w->timers.earliest, sizeof w->timers.earliest);
}

static void *worker_main(void *arg)
{
    struct worker *self = &ws;
    atomics_unchecked(self);
    crash_handlers_install(); /* this thread's alternate signal stack */
    self->tid = gettid();
    self->index = (unsigned)(uintptr_t)arg;
    self->timers.earliest = INT64_MAX;
    self->idle = idle_context();
    self->current = self->idle;
    __atomic_store_n(&rt.workers[self->index], self, __ATOMIC_RELEASE);
    void *thread_sp;
    FIBER_SWITCH(ws.idle->fiber);
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
    ws.timers.earliest = INT64_MAX;
    ws.idle = idle_context();
    rt.parallel = true;
    lock_annotations_start();
    atomics_unchecked(&ws);
    lock_hint_word(rt.workers, maxprocs * sizeof *rt.workers);
    lock_hint_word(&sched.global_count, sizeof sched.global_count);
    lock_hint_word(&sched.idle_count, sizeof sched.idle_count);
    lock_hint_word(&sched.spinning, sizeof sched.spinning);
    lock_hint_word(&sched.netpoll_polling, sizeof sched.netpoll_polling);
    lock_hint_word(&rt.main_exited, sizeof rt.main_exited);
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
