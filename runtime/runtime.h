/*
 * The runtime's internal state and the functions its files share.
 *
 * One OS thread runs every goroutine, or in production mode several
 * (parallel.h); the run's state lives in `rt`, and each thread's in `ws`.
 * Invariants:
 *  - ws.current is the running goroutine; it is on no run queue.
 *  - A goroutine is on at most one of: the run queue (RUNNABLE), one or more
 *    wait queues through its waiters (WAITING), nowhere (RUNNING, DEAD).
 *  - A parked goroutine's waiters live on its own stack, so they live
 *    exactly as long as it waits.
 *  - Every choice between possibilities goes through rt.strategy.
 */
#ifndef WEFT_RUNTIME_H
#define WEFT_RUNTIME_H

#include "weft.h"

#include <stdio.h>
#include <sys/types.h>

#include "compiler.h"
#include "harness_hooks.h"
#include "indexed_queue.h"
#include "stack_pool.h"
#include "sync_events.h"

enum goroutine_status { G_RUNNABLE, G_RUNNING, G_WAITING, G_DEAD };

/* Why a goroutine waits: the words Go prints in "goroutine 3 [...]". */
enum wait_reason {
    WAIT_NONE,
    WAIT_CHAN_SEND,
    WAIT_CHAN_RECV,
    WAIT_CHAN_SEND_NIL,
    WAIT_CHAN_RECV_NIL,
    WAIT_SELECT,
    WAIT_SELECT_NO_CASES,
    WAIT_MUTEX,
    WAIT_RWMUTEX_RLOCK,
    WAIT_RWMUTEX_LOCK,
    WAIT_WAITGROUP,
    WAIT_COND,
    WAIT_ONCE,
    WAIT_SLEEP,
    WAIT_IO,      /* parked on a descriptor (netpoll.c) */
    WAIT_SYSCALL, /* a blocking call runs on a helper thread */
};

struct goroutine;
struct select_wait;

/* What must still happen when a goroutine ends midway through a runtime
 * call that runs the user's code (Go's defer, for the runtime's own use):
 * weft_exit runs the goroutine's hooks, innermost first. Each lives on
 * the goroutine's stack, in the frame of the call that pushed it. */
struct exit_hook {
    struct exit_hook *next;
    void (*run)(struct exit_hook *hook);
};

/* A goroutine waiting in a queue (Go's sudog): on the waiter's stack. */
struct waiter {
    struct waiter *next, *prev;
    struct goroutine *g;
    void *elem;                 /* value to send, or where to receive */
    struct select_wait *select; /* non-NULL: one case of a blocked select */
    struct weft_waitq *queue;   /* the queue it is on */
    const void *sync;           /* detector: what the waker released */
    uint32_t case_index;
    bool ok;       /* receive: a value came (not a close) */
    bool one_slot; /* its channel has capacity 1 (may be a lock) */
};

struct goroutine {
    void *sp; /* saved stack pointer while not running */
    uint64_t id;
    enum goroutine_status status;
    enum wait_reason wait_reason;
    weft_fn fn;
    void *arg;
    struct stack stack;     /* base 0: the thread's own stack */
    struct goroutine *next; /* run queue link */
    size_t run_slot;        /* its slot in the indexed run queue, while there */
    struct goroutine *all_prev, *all_next; /* its worker's live list */
    struct worker *home;                   /* whose list */
    enum weft_op pending_op;               /* at its last scheduling point */
    uint64_t pending_object;
    uint64_t parent_id;
    uintptr_t created_pc;          /* the weft_go call site */
    struct waiter *fired;          /* select: the case that woke it */
    struct held_locks *held_locks; /* lockorder.c, while it is on */
    struct exit_hook *exit_hooks;  /* innermost first */
    bool pending_inverted; /* its pending lock closes a targeted cycle */
    uint64_t points;       /* scheduling points passed (counted runs) */
    void *posix;           /* the posix layer's thread (posix_hooks.h) */
    bool started;
    uint8_t creation_depth; /* frames in creation_stack(g), 0: not kept */
    void *fiber; /* its TSan fiber (switch.h), in a TSan build of weft */
};

/* With rt.record_creation_stacks, weft_go keeps the stack of its call just
 * below the goroutine's struct, at the top of its own stack. */
enum { CREATION_STACK_FRAMES = 32 };
static inline uintptr_t *creation_stack(struct goroutine *g)
{
    return (uintptr_t *)g - CREATION_STACK_FRAMES;
}

struct timer_heap;

/* A timer in a heap: fires by sending on chan, waking g, or calling fn.
 * In parallel mode fn runs outside the heap's lock and takes the locks it
 * needs; whoever made the timer keeps its memory until it is stopped
 * (timer_cancel true) or fn has let go of it. */
struct timer {
    int64_t when;
    int64_t period; /* > 0: a ticker */
    uint64_t seq;   /* creation order: the tie-break, and the timer's id */
    /* the heap it waits in whenever started, from its first start on
     * (time.c), or NULL; queued and heap_index are under that heap's lock */
    struct timer_heap *home;
    bool queued;
    size_t heap_index;
    weft_chan *chan;
    struct goroutine *g;
    void (*fn)(void *arg);
    void *arg;
};


/* A min-heap of timers on (when, seq). */
struct timer_heap {
    uint32_t lock; /* a worker's heap (parallel mode); see time.c */
    size_t count, capacity;
    struct timer **timers;
    /* timers[0]->when, or INT64_MAX when empty: for other workers, who
     * read it without the lock (parallel mode) */
    int64_t earliest;
};

struct run_queue {
    struct goroutine *head, *tail;
    size_t length;
};

enum { LOCAL_QUEUE_SIZE = 256 };

/* A worker's local run queue in parallel mode (parallel.c): a ring its
 * owner pushes at tail and pops at head, and thieves claim from head. */
struct local_queue {
    _Atomic uint32_t head, tail;
    struct goroutine *_Atomic slots[LOCAL_QUEUE_SIZE];
};

/* What each thread that runs goroutines keeps for itself: the calling
 * thread alone, except in parallel mode (parallel.c), where every worker
 * thread has its own. */
struct worker {
    struct goroutine *current;
    struct run_queue runnable; /* the local run queue (one thread) */
    struct goroutine *dead;    /* exited; its stack is freed by the
                                  next goroutine to run here */
    bool resume_work;          /* dead, visit or a hand-off: after_resume */
    uint64_t random; /* FIFO's select choices (strategy.c); 0: unseeded */
    /* the goroutines created here, while alive (sched.c), changed by this
     * worker alone; in one thread, all of them */
    struct goroutine *all_head, *all_tail;
    /* goroutines created, and ended, on this worker (each written by its
     * owner alone): the live ones are all started less all ended */
    size_t started, ended;
    /* parallel mode: goroutines of this list that ended on other workers,
     * sent home to be unlinked (sched.c) */
    struct goroutine *_Atomic returned;
    struct weft_option *options; /* scratch for choices (choice.c) */
    size_t options_capacity;
    /* parallel mode */
    /* what the context that ran before must have done once it is switched
     * out (after_resume): the locks it parked holding, or itself queued
     * again (a yield) */
    uint32_t *const *unlock_list_after_switch;
    size_t unlock_list_count;
    uint32_t *unlock_one; /* park_releasing's list of one */
    struct goroutine *requeue_after_switch;
    /* readied last: runs next here (stolen only from a busy worker) */
    struct goroutine *_Atomic runnext;
    struct local_queue local;
    struct goroutine *idle;    /* where the worker waits for work */
    struct free_stack *stack_cache; /* free stacks (stack_pool.c) */
    unsigned stack_cache_count;
    size_t stack_cache_size;
    uint32_t ticks;            /* schedules here (parallel.c) */
    uint64_t next_id, id_end;  /* goroutine ids taken in a batch */
    unsigned index;
    pid_t tid;     /* its thread, which a crash report stops */
    bool spinning; /* woken, looking for work */
    bool sleeping;
    _Atomic uint32_t wake; /* futex word: bumped to wake a sleeper */
    /* sleeps and channel timers started here (parallel mode, time.c) */
    struct timer_heap timers;
    uint64_t timer_seq;
};

extern __thread struct worker ws __attribute__((tls_model("initial-exec")));

enum { PARALLEL_MAX_WORKERS = 1024 };

struct runtime {
    uint64_t next_goroutine_id;
    uint32_t next_object_id;
    uint64_t step;
    uint64_t step_limit;   /* a hang past it (hang.c); UINT64_MAX: none */
    uint64_t *step_count;  /* the harness's copy of step, or NULL */

    struct weft_strategy *strategy;
    bool fifo;         /* strategy is FIFO: no choices to make */
    bool indexed;      /* not FIFO: the run queue is rt_process.run_index */
    bool plain_points; /* initialised, not preemptive, not tracing */
    bool lock_order;   /* the lock-order graph is kept (lockorder.h) */
    bool parallel;     /* worker threads run goroutines (parallel.h) */
    FILE *trace;
    bool trace_locations;        /* points only, with the user's file:line */
    /* the goroutine in the leak check, whose points there are not the
     * program's steps: not traced (leak.c) */
    struct goroutine *untraced;
    uint64_t untraced_steps; /* the points it made there */

    struct goroutine *visit;   /* goroutine asked to capture its stack */
    struct goroutine *visitor; /* who asked */
    uintptr_t *visit_pcs;
    size_t visit_max, visit_count;

    /* every timer, in one thread (time.c) */
    struct timer_heap timers;
    uint64_t next_timer_seq;
    bool virtual_time;
    int64_t virtual_now;

    size_t stack_size;
    bool record_creation_stacks; /* leak reports show where each began */
    bool record_lock_stacks;     /* lock-order reports show where locks were
                                    taken */
    bool report_leaks;           /* report_leaks=1: check when main ends */
    bool initialized;
    bool main_exited;
    /* called at each switch, with the next goroutine's posix slot
     * (posix_hooks.h), or NULL */
    void (*on_switch)(void *posix_slot);
    struct goroutine main_goroutine;

    /* parallel mode (parallel.c): set before the workers start */
    unsigned worker_count;
    struct worker *workers[PARALLEL_MAX_WORKERS];
};

extern struct runtime rt;

enum { LOCK_TARGET_MAX = 16 };

/* What outlives a run: installed or set once for the runs to come, or kept
 * as a cache. Apart from rt, so a run starts from zero (runtime_init)
 * without saving anything across the reset by hand. */
struct runtime_process {
    const struct sync_events *detector; /* the race detector, if installed */
    /* the harness's settings for the runs to come (harness_hooks.h) */
    bool harness_set;
    struct runtime_run_settings harness;
    const void *lock_target[LOCK_TARGET_MAX]; /* harness.lock_target */
    size_t default_stack_size;   /* $WEFT_STACK_SIZE, or weft_set_stack_size */
    /* the run queue of rt.indexed runs: its memory outlives a run */
    struct indexed_queue run_index;
};

extern struct runtime_process rt_process;

/* Makes the calling thread goroutine 1 if nothing has yet. */
void runtime_ensure(void);
static inline void runtime_init_if_needed(void)
{
    if (unlikely(!rt.initialized))
        runtime_ensure();
}

/* Scheduling points: every operation calls this before it acts, naming
 * its object by the object's id field (NULL: none). One test on the fast
 * path: rt.plain_points is false until the runtime is initialised, and
 * under preemptive strategies or tracing — the runs whose steps are
 * counted and reported.
 *
 * The lock rule of production mode (parallel.h): sched_point takes no lock.
 * An operation then takes the lock of what it works on (its object's: a
 * channel's, a cond's, a context's, a socket's record, a timer heap's), and
 * gives it back on every path that returns to the user's code; or it parks
 * holding it, and the context that runs next on its worker releases it,
 * once the parked goroutine's registers are saved (park_releasing), so
 * nobody can ready it before. A woken goroutine holds no lock. In
 * one-thread mode no lock is taken (OBJECT_LOCK tests rt.parallel). */
void sched_point_slow(enum weft_op op, uint32_t *object);
static inline void sched_point(enum weft_op op, uint32_t *object)
{
    if (unlikely(!rt.plain_points))
        sched_point_slow(op, object);
}

/* Switches from the running context to next (sched.c), and what every
 * context does first when it gets the CPU back. */
void runtime_switch_to(struct goroutine *next);
void runtime_after_resume(void);

/* Blocks the current goroutine until ready() is called on it (one thread:
 * in parallel mode, park_releasing the lock that guards what it waits on). */
void park(enum wait_reason reason);
/* The same holding the lock word (an object's, lock.h) that guards what
 * the goroutine waits on, or none (NULL): the lock is released once the
 * goroutine is switched out, and not held when this returns. */
void park_releasing(enum wait_reason reason, uint32_t *lock);
/* The same with several locks (a select's channels). */
void park_releasing_all(enum wait_reason reason, uint32_t *const *locks,
                        size_t count);
/* Makes a waiting goroutine runnable. */
void ready(struct goroutine *g);
/* Choices (choice.c). Asks the strategy to pick one of count options
 * (count >= 1): a case or a timer. */
size_t choose(enum weft_choice_kind kind, const struct weft_option *options,
              size_t count);
/* Asks it which goroutine runs: the current one (0, when it can continue)
 * or one of the indexed run queue's, at their position (+ 1 after the
 * current one). */
size_t choose_goroutine(bool current_can_continue);
/* The strategy's rank for g (0 without rank()). */
uint64_t strategy_rank(struct goroutine *g);
/* Scratch array for options, valid until the next call. */
struct weft_option *options_buffer(size_t count);

/* Object ids for traces and reports (ch#3, mutex#4), assigned on first use
 * so they are deterministic (in one thread). */
uint32_t object_id_assign(uint32_t *id);
static inline uint32_t object_id(uint32_t *id)
{
    uint32_t known = __atomic_load_n(id, __ATOMIC_RELAXED);
    return likely(known) ? known : object_id_assign(id);
}

/* Goroutines alive: exact when none runs (a deadlock's look), a snapshot
 * otherwise. */
size_t goroutines_live(void);
/* Parallel mode: unlinks the goroutines of this worker's list that ended
 * elsewhere and keeps their stacks (sched.c). */
void goroutines_take_returned(void);
/* Every live goroutine: the first, and the one after g (across the
 * workers' lists in parallel mode), or NULL. */
struct goroutine *goroutine_first(void);
struct goroutine *goroutine_after(struct goroutine *g);

/* Wait queues of struct waiter. */
void waitq_push(struct weft_waitq *q, struct waiter *w);
void waitq_push_front(struct weft_waitq *q, struct waiter *w);
struct waiter *waitq_pop(struct weft_waitq *q);
void waitq_remove(struct waiter *w);
static inline bool waitq_empty(const struct weft_waitq *q)
{
    return q->head == NULL;
}
/* Whether q holds a waiter that can still be woken: drops the cases of
 * selects fired elsewhere from its head (waitq.c); one test when empty. */
bool waitq_drop_fired(struct weft_waitq *q);
static inline bool waitq_has_live(struct weft_waitq *q)
{
    return !waitq_empty(q) && waitq_drop_fired(q);
}

/* Parks the current goroutine on q until woken with wake_one/wake_all,
 * releasing lock as park_releasing does (q's object's lock, or NULL).
 * Between enqueueing a waiter and parking there must be no scheduling
 * point, or a wake could find a goroutine that is already runnable. */
void waitq_park(struct weft_waitq *q, enum wait_reason reason,
                uint32_t *lock);
bool wake_one(struct weft_waitq *q);
void waiter_wake(struct waiter *w);
/* select.c: removes the other cases of w's select from their queues (one
 * thread: every channel is at hand). */
void select_withdraw(struct waiter *fired);
/* Whether w's select has been fired; and firing it from w (false if
 * another case fired first). */
bool select_fired(const struct waiter *w);
bool select_claim(struct waiter *w);
void wake_all(struct weft_waitq *q);

/* Unlock without a scheduling point (mutex.c), for Cond.Wait. */
void mutex_release(weft_mutex *m);
/* The mutex of a weft_mutex_locker (locker.c), or NULL. */
weft_mutex *locker_mutex(const struct weft_locker *locker);

/* Timers (time.c). */
void timer_start(struct timer *t);
bool timer_cancel(struct timer *t);
/* Cancels t if queued and queues it again for when (and period), as one
 * step; returns whether it was queued. */
bool timer_restart(struct timer *t, int64_t when, int64_t period);
/* Whether a timer waits in one thread's heap (tests). */
bool timers_pending(void);
/* Parallel mode: a sleep's timer started in this worker's heap, whose
 * lock is returned held (the sleeper parks releasing it). */
uint32_t *timer_start_holding(struct timer *t);
/* Parallel mode, for idle workers: fire what is due (this worker's heap,
 * the runtime's under its lock, the other workers'), and the earliest
 * deadline of all (INT64_MAX: none). */
void timers_fire_due(void);
int64_t timers_earliest(void);
/* Fires what is due; when nothing is runnable, first waits for (real time)
 * or jumps to (virtual time) the earliest deadline. Returns false if no
 * timer is pending at all. */
bool timers_advance(bool must_progress);
int64_t clock_now(void);
void timers_reset(void);
/* Called by weft_chan_free on a channel a timer still targets. */
void chan_detach_timer(weft_chan *c);
void chan_set_timer(weft_chan *c, struct timer *t);

/* Channels used by the runtime itself. */
void chan_send_nonblocking_time(weft_chan *c, int64_t now);
uint32_t chan_object_id(weft_chan *c);

/* Failure (panic.c). */
_Noreturn void runtime_panic(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
_Noreturn void runtime_deadlock(void);
/* A NULL where the caller must pass a weft object or a function: a Go-style
 * panic naming the call ("weft_mutex_lock: nil mutex"), where Go's nil
 * receiver would fault. One test on the fast path. */
#define PANIC_IF_NIL(pointer, what)                                            \
    do {                                                                       \
        if (unlikely((pointer) == NULL))                                       \
            runtime_nil_panic(__func__, what);                                 \
    } while (0)
_Noreturn void runtime_nil_panic(const char *call, const char *what);
const char *wait_reason_string(enum wait_reason reason);
/* Stack of any goroutine, innermost first; 0 frames if it never ran. */
size_t goroutine_stack(struct goroutine *g, uintptr_t *pcs, size_t max);
/* Prints "goroutine N [state]:", its stack and where it was created, as Go
 * does. */
void goroutine_print(FILE *out, struct goroutine *g);
/* The first and last parts of goroutine_print, for a stack found otherwise
 * (crash.c unwinds a signal's context). */
void goroutine_print_header(FILE *out, struct goroutine *g);
void goroutine_print_creation(FILE *out, struct goroutine *g);

/* Fatal signals (crash.c): installs the handlers and the alternate signal
 * stack they run on, once per process and thread. */
void crash_handlers_install(void);
/* Calls keep with crash.c's thread-local (runtime_thread_locals). */
void crash_thread_locals(void (*keep)(const void *address, size_t size));

/* Prints every goroutine as a crash report does, the running one unwound
 * from a signal's ucontext (crash.c). */
void crash_print_goroutines(FILE *out, void *ucontext);

/* A run past the harness's limits (hang.c): arms the time limit when a run
 * starts; the step limit is checked by sched_point_slow. */
void hang_limits_start(void);
_Noreturn void hang_past_step_limit(void);

/* Goroutine leaks (leak.c). With report_leaks=1, when the main goroutine
 * ends (weft_run's main_fn returns, or main() returns into exit): lists the
 * goroutines still blocked and exits WEFT_EXIT_LEAK if there are any. */
void leaks_check_at_main_end(void);
/* Registers the exit-time check, once per process. */
void leaks_check_at_exit_install(void);

/* Detector events (sync_events.h), one test away when detection is off. */
#define DETECT(event, ...)                                                     \
    do {                                                                       \
        if (unlikely(rt_process.detector != NULL))                             \
            rt_process.detector->event(__VA_ARGS__);                           \
    } while (0)

/* FIFO run queues: a worker's local one, the global one (parallel.c). */
static inline void queue_push(struct run_queue *q, struct goroutine *g)
{
    g->next = NULL;
    if (q->tail)
        q->tail->next = g;
    else
        q->head = g;
    q->tail = g;
    q->length++;
}

/* NULL when q is empty. */
static inline struct goroutine *queue_pop(struct run_queue *q)
{
    struct goroutine *g = q->head;
    if (!g)
        return NULL;
    q->head = g->next;
    if (!q->head)
        q->tail = NULL;
    q->length--;
    return g;
}

#endif
