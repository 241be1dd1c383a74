/*
 * The scheduler: goroutine lifecycle, the run queue, parking, switching.
 *
 * Invariants (see runtime.h for the state):
 *  - Switches go goroutine to goroutine; there is no scheduler stack. The
 *    main goroutine runs on the thread's own stack.
 *  - A goroutine cannot free the stack it runs on: it records itself in
 *    ws.dead and whoever runs next frees it (after_resume).
 *  - With the FIFO strategy the run queue is used as a queue and no choice
 *    is made; any other strategy sees every choice with more than one
 *    option, in a deterministic order, and the run queue is the indexed
 *    one (indexed_queue.h), so a choice costs O(log n) in n runnable.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "instrumentation.h"
#include "lockorder.h"
#include "netpoll.h"
#include "parallel.h"
#include "posix_hooks.h"
#include "runtime.h"
#include "stack.h"
#include "switch.h"
#include "trace.h"

struct runtime rt;
struct runtime_process rt_process;
__thread struct worker ws;

/* ---- run queue ---- */

/* FIFO runs keep the plain linked queue (the production path, and the one
 * parallel mode shares); a choosing strategy's runs the indexed one, and
 * ws.runnable.length counts either. */
static inline void run_queue_push(struct goroutine *g)
{
    if (likely(!rt.indexed)) {
        queue_push(&ws.runnable, g);
        return;
    }
    indexed_queue_push(&rt_process.run_index, g, strategy_rank(g));
    ws.runnable.length++;
}

static struct goroutine *run_queue_take(size_t index)
{
    if (likely(!rt.indexed))
        return queue_pop(&ws.runnable); /* FIFO takes only the first */
    ws.runnable.length--;
    return indexed_queue_take(&rt_process.run_index, index);
}

/* ---- every live goroutine: a list per worker, changed by that worker
 * alone (a goroutine that ends elsewhere is sent home: return_home), so
 * creating and ending goroutines takes no lock; a report reads the lists
 * with the other workers asleep or stopped ---- */

static void all_add(struct goroutine *g)
{
    struct worker *w = &ws;
    g->home = w;
    g->all_next = NULL;
    g->all_prev = w->all_tail;
    if (w->all_tail)
        w->all_tail->all_next = g;
    else
        w->all_head = g;
    w->all_tail = g;
    __atomic_store_n(&w->started, w->started + 1, __ATOMIC_RELAXED);
}

static void all_remove(struct goroutine *g)
{
    struct worker *w = g->home;
    if (g->all_prev)
        g->all_prev->all_next = g->all_next;
    else
        w->all_head = g->all_next;
    if (g->all_next)
        g->all_next->all_prev = g->all_prev;
    else
        w->all_tail = g->all_prev;
}

/* In parallel mode a goroutine that ends away from its home worker is sent
 * back there (a lock-free stack each worker takes whole): its home unlinks
 * it and keeps its stack, so lists are changed by their owner alone, and a
 * worker that spawns gets its stacks back instead of taking others'. */
static void return_home(struct goroutine *g)
{
    struct worker *home = g->home;
    struct goroutine *head =
        atomic_load_explicit(&home->returned, memory_order_relaxed);
    do {
        g->next = head;
        lock_hand_over(g);
    } while (!atomic_compare_exchange_weak_explicit(&home->returned, &head, g,
                                                    memory_order_release,
                                                    memory_order_relaxed));
}

static void forget(struct goroutine *g)
{
    all_remove(g);
    FIBER_DESTROY(g->fiber);
    struct stack stack = g->stack; /* the goroutine lives on it */
    stack_free(&stack);
}

void goroutines_take_returned(void)
{
    if (!atomic_load_explicit(&ws.returned, memory_order_relaxed))
        return;
    struct goroutine *g =
        atomic_exchange_explicit(&ws.returned, NULL, memory_order_acquire);
    while (g) {
        lock_handed_over(g);
        struct goroutine *next = g->next; /* before its stack goes */
        forget(g);
        g = next;
    }
}

static struct worker *worker_at(unsigned index)
{
    if (!rt.parallel)
        return index == 0 ? &ws : NULL;
    return index < rt.worker_count
               ? __atomic_load_n(&rt.workers[index], __ATOMIC_ACQUIRE)
               : NULL;
}

static unsigned worker_count(void)
{
    return rt.parallel ? rt.worker_count : 1;
}

size_t goroutines_live(void)
{
    size_t started = 0, ended = 0;
    for (unsigned i = 0; i < worker_count(); i++) {
        struct worker *w = worker_at(i);
        if (w) {
            started += __atomic_load_n(&w->started, __ATOMIC_RELAXED);
            ended += __atomic_load_n(&w->ended, __ATOMIC_RELAXED);
        }
    }
    return started - ended;
}

static struct goroutine *first_from(unsigned index)
{
    for (unsigned i = index; i < worker_count(); i++) {
        struct worker *w = worker_at(i);
        if (w && w->all_head)
            return w->all_head;
    }
    return NULL;
}

static struct goroutine *listed_after(struct goroutine *g)
{
    return g->all_next ? g->all_next : first_from(g->home->index + 1);
}

/* The next in the lists from g on, g included, that has not ended (one sent
 * home stays listed until its home takes it). */
static struct goroutine *live_from(struct goroutine *g)
{
    while (g && g->status == G_DEAD)
        g = listed_after(g);
    return g;
}

struct goroutine *goroutine_first(void)
{
    return live_from(first_from(0));
}

struct goroutine *goroutine_after(struct goroutine *g)
{
    return live_from(listed_after(g));
}

uint32_t object_id_assign(uint32_t *id)
{
    uint32_t fresh = __atomic_add_fetch(&rt.next_object_id, 1,
                                        __ATOMIC_RELAXED);
    uint32_t none = 0;
    if (__atomic_compare_exchange_n(id, &none, fresh, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
        return fresh;
    return none; /* another worker named it first */
}

/* A goroutine id: in order in one thread; in parallel mode from a batch
 * each worker takes (as Go's goidcache), not to share a counter. */
static uint64_t next_goroutine_id(void)
{
    enum { ID_BATCH = 16 };
    if (likely(!rt.parallel))
        return rt.next_goroutine_id++;
    if (ws.next_id == ws.id_end) {
        ws.next_id = __atomic_fetch_add(&rt.next_goroutine_id, ID_BATCH,
                                        __ATOMIC_RELAXED);
        ws.id_end = ws.next_id + ID_BATCH;
    }
    return ws.next_id++;
}

/* ---- choices (choice.c builds them) ---- */

static struct goroutine *take_runnable(void)
{
    if (rt.fifo || ws.runnable.length == 1)
        return run_queue_take(0);
    return run_queue_take(choose_goroutine(false));
}

/* ---- switching ---- */

static void release_dead(void)
{
    struct goroutine *dead = ws.dead;
    ws.dead = NULL;
    ws.resume_work = rt.visit != NULL;
    if (!rt.parallel) { /* unlinked when it ended */
        FIBER_DESTROY(dead->fiber);
        struct stack stack = dead->stack; /* the goroutine lives on it */
        stack_free(&stack);
    } else if (dead->home == &ws) {
        forget(dead);
    } else {
        return_home(dead);
    }
}

/* A goroutine asked for our stack while we were parked: answer, go back. */
static void answer_visit(void)
{
    struct goroutine *self = ws.current;
    rt.visit_count = stack_capture(rt.visit_pcs, rt.visit_max, 0);
    struct goroutine *visitor = rt.visitor;
    rt.visit = NULL;
    ws.resume_work = ws.dead != NULL;
    ws.current = visitor;
    FIBER_SWITCH(visitor->fiber);
    weft_context_switch(&self->sp, visitor->sp);
}

/* What the context switched out asked for (parallel mode): its locks
 * released, or itself queued again, now that its registers are saved. */
static void hand_off(void)
{
    if (ws.unlock_list_count) {
        /* the list lives on the parked goroutine's stack, which may run
         * again once the last lock is released: nothing is read after */
        uint32_t *const *locks = ws.unlock_list_after_switch;
        size_t count = ws.unlock_list_count;
        ws.unlock_list_count = 0;
        for (size_t i = 0; i < count; i++)
            lock_word_release(locks[i]);
    }
    if (ws.requeue_after_switch) {
        struct goroutine *g = ws.requeue_after_switch;
        ws.requeue_after_switch = NULL;
        parallel_requeue(g);
    }
}

static bool hand_off_pending(void)
{
    return ws.unlock_list_count ||
           ws.requeue_after_switch;
}

/* Runs first in every goroutine that gets the CPU back. */
void runtime_after_resume(void)
{
    for (;;) {
        if (hand_off_pending())
            hand_off();
        if (ws.dead)
            release_dead();
        if (rt.visit != ws.current)
            return;
        answer_visit();
    }
}

static inline void after_resume(void)
{
    if (unlikely(ws.resume_work))
        runtime_after_resume();
}

static void check_stack_bounds(struct goroutine *g)
{
    char here;
    if (&here < (char *)g->stack.base)
        runtime_panic("goroutine %llu: stack overflow",
                      (unsigned long long)g->id);
}

void runtime_switch_to(struct goroutine *next)
{
    struct goroutine *prev = ws.current;
    if (unlikely(!prev->stack.guarded))
        check_stack_bounds(prev);
    next->status = G_RUNNING;
    ws.current = next;
    if (unlikely(rt.on_switch)) /* a pthread program's thread-locals */
        rt.on_switch(next->posix);
    DETECT(goroutine_switch, next->id);
    FIBER_SWITCH(next->fiber);
    weft_context_switch(&prev->sp, next->sp);
    after_resume();
}

/* What else can make goroutines runnable: due timers and ready I/O (out
 * of line: the switch path stays small). */
__attribute__((noinline)) static void poll_timers_and_io(void)
{
    if (netpoll_waiting())
        netpoll_schedule(ws.runnable.length == 0);
    /* with I/O awaited in real time, the netpoller did the waiting */
    if (rt.timers.count)
        timers_advance(ws.runnable.length == 0 &&
                       (rt.virtual_time || !netpoll_waiting()));
}

static struct goroutine *pick_next(void)
{
    if (unlikely(rt.parallel))
        return parallel_next();
    for (;;) {
        if (unlikely(rt.timers.count || netpoll_waiting()))
            poll_timers_and_io();
        if (ws.runnable.length)
            return take_runnable();
        if (!rt.timers.count && !netpoll_waiting())
            runtime_deadlock();
    }
}

/* Gives the CPU to the next goroutine; ws.current is not runnable, or has
 * queued itself. */
static inline __attribute__((always_inline)) void schedule(void)
{
    struct goroutine *next = pick_next();
    if (next == ws.current) {
        next->status = G_RUNNING;
        return;
    }
    runtime_switch_to(next);
}

static inline void park_switching(enum wait_reason reason)
{
    struct goroutine *g = ws.current;
    g->status = G_WAITING;
    g->wait_reason = reason;
    if (unlikely(rt.trace_locations) && reason != WAIT_SLEEP)
        trace_preempted(g, "blocks");
    schedule();
    g->wait_reason = WAIT_NONE;
}

void park(enum wait_reason reason)
{
    park_switching(reason);
}

void park_releasing(enum wait_reason reason, uint32_t *lock)
{
    ws.unlock_one = lock; /* a list of one, which this worker releases */
    park_releasing_all(reason, &ws.unlock_one, lock != NULL);
}

void park_releasing_all(enum wait_reason reason, uint32_t *const *locks,
                        size_t count)
{
    if (unlikely(rt.parallel) && count) {
        ws.unlock_list_after_switch = locks;
        ws.unlock_list_count = count;
        ws.resume_work = true;
    }
    park_switching(reason);
}

void ready(struct goroutine *g)
{
    if (unlikely(rt.parallel)) {
        parallel_ready(g);
        return;
    }
    g->status = G_RUNNABLE;
    run_queue_push(g);
}

void sched_point_slow(enum weft_op op, uint32_t *object_field)
{
    if (!rt.initialized) {
        runtime_ensure();
        if (rt.plain_points)
            return;
    }
    if (unlikely(rt.step >= rt.step_limit))
        hang_past_step_limit();
    rt.step++;
    /* the leak check's points are not the program's steps: not counted in
     * the harness's header, as they are not listed (they still count
     * towards the step limit) */
    if (ws.current == rt.untraced)
        rt.untraced_steps++;
    if (rt.step_count)
        *rt.step_count = rt.step - rt.untraced_steps;
    ws.current->points++;
    uint64_t object = object_field ? object_id(object_field) : 0;
    struct goroutine *g = ws.current;
    g->pending_op = op;
    g->pending_object = object;
    if (rt.trace && g != rt.untraced)
        trace_point(g, op, object);
    if (!rt.strategy->preemptive || ws.runnable.length == 0)
        return;
    size_t index = choose_goroutine(true);
    if (index == 0)
        return;
    struct goroutine *next = run_queue_take(index - 1);
    g->status = G_RUNNABLE;
    run_queue_push(g);
    if (unlikely(rt.trace_locations))
        trace_preempted(g, "preempted");
    runtime_switch_to(next);
    if (unlikely(rt.trace_locations))
        trace_preempted(g, "resumes");
}

/* ---- lifecycle ---- */

static size_t checked_stack_size(size_t bytes)
{
    if (bytes > STACK_SIZE_MAX)
        runtime_panic("weft_config.stack_size: %zu bytes is more than the "
                      "largest stack (1 GiB)",
                      bytes);
    return bytes;
}

static void runtime_init(const struct weft_config *config, bool may_be_parallel)
{
    /* a run starts from zero: what outlives it is in rt_process */
    memset(&rt, 0, sizeof rt);
    ws = (struct worker){0};

    const struct weft_env_options *env = weft_env_options();
    if (rt_process.default_stack_size == 0)
        rt_process.default_stack_size = stack_round(env->stack_size);
    rt.stack_size = config && config->stack_size
                        ? stack_round(checked_stack_size(config->stack_size))
                        : rt_process.default_stack_size;
    rt.strategy = config && config->strategy ? config->strategy : env->strategy;
    rt.trace = config && config->trace_file ? config->trace_file : env->trace;
    rt.trace_locations = rt.trace && config && config->trace_locations;
    rt.fifo = rt.strategy == weft_strategy_fifo();
    rt.indexed = !rt.fifo;
    indexed_queue_clear(&rt_process.run_index);
    rt.plain_points = !rt.strategy->preemptive && !rt.trace;
    rt.virtual_time = rt.strategy->virtual_time;
    rt.report_leaks = env->report_leaks;
    /* a leak report shows where each goroutine began */
    rt.record_creation_stacks =
        rt.report_leaks || rt_process.harness.creation_stacks;
    /* the stacks in a potential-deadlock report, where one may be read */
    rt.record_lock_stacks =
        !rt_process.harness_set || !rt_process.harness.report_unseen;
    if (rt.report_leaks)
        leaks_check_at_exit_install();
    crash_handlers_install();
    hang_limits_start();

    struct goroutine *main_g = &rt.main_goroutine;
    main_g->id = 1;
    main_g->status = G_RUNNING;
    main_g->started = true;
    main_g->stack.guarded = true; /* the thread's stack has its own guard */
    main_g->fiber = FIBER_CURRENT();
    all_add(main_g);
    ws.current = main_g;
    rt.next_goroutine_id = 2;
    rt.lock_order = lockorder_run_start();
    netpoll_run_start();
    rt.initialized = true;
    DETECT(run_start);
    DETECT(goroutine_switch, 1);
    /* parallel only where nothing needs one thread: the implicit runtime of
     * an ordinary program, FIFO, untraced, without the race detector, and
     * without the leak check (which lets the others run to a standstill
     * and then reads every goroutine's state) */
    if (may_be_parallel && rt.fifo && !rt.trace && !rt_process.detector &&
        !rt.report_leaks && !rt.lock_order && env->maxprocs > 1)
        parallel_start(env->maxprocs);
}

void runtime_ensure(void)
{
    if (!rt.initialized)
        runtime_init(NULL, true);
}

static void runtime_teardown(void)
{
    timers_reset(); /* first: some timers live on the stacks freed below */
    struct goroutine *g = ws.all_head;
    while (g) {
        struct goroutine *next = g->all_next;
        if (g != &rt.main_goroutine) {
            struct stack stack = g->stack;
            stack_free(&stack);
        }
        g = next;
    }
    if (ws.dead)
        release_dead();
    rt.initialized = false;
    rt.plain_points = false;
}

int weft_run(weft_fn main_fn, void *arg, const struct weft_config *config)
{
    if (rt.parallel)
        runtime_panic("weft_run: the implicit runtime already runs goroutines "
                      "on worker threads (WEFT_MAXPROCS=1 keeps it on one)");
    if (rt.initialized) {
        if (goroutines_live() > 1 || ws.current != &rt.main_goroutine)
            runtime_panic("weft_run: called while goroutines are running");
        runtime_teardown();
    }
    runtime_init(config, false);
    main_fn(arg);
    leaks_check_at_main_end();
    if (rt.trace)
        fflush(rt.trace);
    runtime_teardown();
    return 0;
}

static void goroutine_entry(void)
{
    runtime_after_resume();
    struct goroutine *g = ws.current;
    g->started = true;
    g->fn(g->arg);
    weft_exit();
}

/* Keeps the stack of the weft_go call below g; returns the top of what is
 * left of the stack. */
__attribute__((noinline)) static void *
record_creation_stack(struct goroutine *g)
{
    /* skip this frame: the first is weft_go's */
    g->creation_depth =
        (uint8_t)stack_capture(creation_stack(g), CREATION_STACK_FRAMES, 1);
    return creation_stack(g);
}

/* weft_go, created at caller (the call site reports name). */
static uint64_t go_from(weft_fn fn, void *arg, uintptr_t caller, void *posix)
{
    sched_point(WEFT_OP_SPAWN, NULL);
    struct stack stack;
    if (unlikely(rt.parallel))
        goroutines_take_returned(); /* their stacks first */
    stack_alloc(&stack, rt.stack_size);
    /* a pooled stack's old owner must not race with its new one */
    DETECT(memory_fresh, stack.base, stack.size);
    uintptr_t top = (uintptr_t)stack_top(&stack) - sizeof(struct goroutine);
    struct goroutine *g = (struct goroutine *)(top & ~(uintptr_t)63);
    memset(g, 0, sizeof *g);
    g->stack = stack;
    g->id = next_goroutine_id();
    g->fn = fn;
    g->arg = arg;
    g->posix = posix;
    g->parent_id = ws.current->id;
    /* a framework's wrapper around weft_go is not where it was created
     * (the detector keeps the whole stack, the wrapper's frame in it) */
    g->created_pc = stack_unhidden_caller(caller);
    g->pending_op = WEFT_OP_START;
    void *stack_left = g;
    if (unlikely(rt.record_creation_stacks))
        stack_left = record_creation_stack(g);
    g->sp = context_init(stack_left, goroutine_entry);
    g->fiber = FIBER_CREATE();
    all_add(g);
    DETECT(goroutine_start, g->parent_id, g->id, caller);
    uint64_t id = g->id;
    if (unlikely(rt.parallel))
        parallel_spawned(g);
    else
        ready(g);
    return id;
}

uint64_t weft_go(weft_fn fn, void *arg)
{
    PANIC_IF_NIL(fn, "function");
    return go_from(fn, arg, (uintptr_t)__builtin_return_address(0), NULL);
}

uint64_t posix_go(weft_fn fn, void *arg, uintptr_t created_pc, void *thread)
{
    return go_from(fn, arg, created_pc, thread);
}

void weft_yield(void)
{
    sched_point(WEFT_OP_YIELD, NULL);
    struct goroutine *g = ws.current;
    if (unlikely(rt.parallel)) {
        /* behind whatever else is runnable here, queued once it is
         * switched out (a thief must not run it before) */
        ws.requeue_after_switch = g;
        ws.resume_work = true;
        g->status = G_RUNNABLE;
        struct goroutine *next = parallel_next();
        runtime_switch_to(next);
        return;
    }
    if (ws.runnable.length == 0) {
        if (rt.timers.count == 0 && !netpoll_waiting())
            return;
        /* only timers and I/O can wake someone else: let them */
        g->status = G_RUNNABLE;
        run_queue_push(g);
        schedule();
        return;
    }
    /* Another goroutine runs first, chosen among the others only: a yield
     * that could pick the yielder again would let a strategy that favours
     * it (pct) spin forever. */
    if (unlikely(netpoll_waiting()))
        netpoll_schedule(false);
    if (unlikely(rt.timers.count))
        timers_advance(false);
    struct goroutine *next = take_runnable();
    g->status = G_RUNNABLE;
    run_queue_push(g);
    runtime_switch_to(next);
}

_Noreturn void weft_exit(void)
{
    sched_point(WEFT_OP_EXIT, NULL);
    struct goroutine *g = ws.current;
    while (g->exit_hooks) { /* calls it leaves midway still finish */
        struct exit_hook *hook = g->exit_hooks;
        g->exit_hooks = hook->next;
        hook->run(hook);
    }
    DETECT(goroutine_end, g->id);
    LOCK_ORDER(goroutine_end, g);
    g->status = G_DEAD;
    __atomic_store_n(&ws.ended, ws.ended + 1, __ATOMIC_RELAXED);
    if (g == &rt.main_goroutine) {
        /* in parallel mode its home's list is not ours to change: it stays
         * there, ended (the lists' readers skip it) */
        if (!rt.parallel)
            all_remove(g);
        rt.main_exited = true;
    } else {
        if (!rt.parallel) /* parallel mode: by its home (release_dead) */
            all_remove(g);
        ws.dead = g;
        ws.resume_work = true;
    }
    schedule();
    __builtin_unreachable();
}

uint64_t weft_id(void)
{
    runtime_init_if_needed();
    return ws.current->id;
}

uint64_t weft_step(void)
{
    return rt.step;
}

size_t weft_goroutine_count(void)
{
    runtime_init_if_needed();
    return goroutines_live();
}

void weft_set_stack_size(size_t bytes)
{
    runtime_init_if_needed();
    if (bytes > STACK_SIZE_MAX)
        runtime_panic("weft_set_stack_size: %zu bytes is more than the "
                      "largest stack (1 GiB)",
                      bytes);
    rt_process.default_stack_size = stack_round(bytes);
    rt.stack_size = rt_process.default_stack_size;
}

size_t weft_stack_size(void)
{
    runtime_init_if_needed();
    return rt.stack_size;
}

void runtime_set_sync_events(const struct sync_events *events)
{
    rt_process.detector = events;
}

void runtime_atomic_point(void)
{
    /* atomics before the first weft call (constructors) schedule nothing */
    if (rt.initialized && !rt.plain_points)
        sched_point_slow(WEFT_OP_ATOMIC, NULL);
}

void runtime_access_point(void)
{
    if (rt.initialized && !rt.plain_points)
        sched_point_slow(WEFT_OP_ACCESS, NULL);
}

void runtime_call_point(void)
{
    if (!rt.initialized || rt.parallel)
        return;
    if (rt.strategy->preemptive)
        sched_point_slow(WEFT_OP_CALL, NULL);
    else
        weft_yield(); /* whoever else is runnable goes first */
}

size_t goroutine_stack(struct goroutine *g, uintptr_t *pcs, size_t max)
{
    if (g == ws.current)
        return stack_capture(pcs, max, 1);
    if (!g->started || g->status == G_DEAD)
        return 0;
    struct goroutine *self = ws.current;
    rt.visit = g;
    rt.visitor = self;
    rt.visit_pcs = pcs;
    rt.visit_max = max;
    rt.visit_count = 0;
    ws.resume_work = true;
    ws.current = g;
    FIBER_SWITCH(g->fiber);
    weft_context_switch(&self->sp, g->sp);
    return rt.visit_count;
}
