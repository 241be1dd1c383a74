/**
 * @file
 * weft — the strategy writer's interface, included by weft.h.
 *
 * A scheduling strategy decides which of the possible things happens at
 * every choice the runtime makes (which goroutine runs next, which ready
 * select case is taken, which due timer fires first); the runtime decides
 * what is possible. Pass one in weft_config.strategy. Only someone writing
 * a strategy needs what is here: FIFO (the default) and seeded random are
 * built in, and the harness brings its own.
 */
#ifndef WEFT_STRATEGY_H
#define WEFT_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a strategy is asked to choose. */
enum weft_choice_kind {
    WEFT_CHOOSE_GOROUTINE, /* which runnable goroutine runs next */
    WEFT_CHOOSE_CASE,      /* which ready select case is taken */
    WEFT_CHOOSE_TIMER,     /* which of several due timers fires first */
};

/** The operation a goroutine is about to perform at a scheduling point. */
enum weft_op {
    WEFT_OP_NONE,
    WEFT_OP_START,
    WEFT_OP_YIELD,
    WEFT_OP_SPAWN,
    WEFT_OP_EXIT,
    WEFT_OP_CHAN_SEND,
    WEFT_OP_CHAN_RECV,
    WEFT_OP_CHAN_CLOSE,
    WEFT_OP_SELECT,
    WEFT_OP_MUTEX_LOCK,
    WEFT_OP_MUTEX_UNLOCK,
    WEFT_OP_RWMUTEX_RLOCK,
    WEFT_OP_RWMUTEX_RUNLOCK,
    WEFT_OP_RWMUTEX_LOCK,
    WEFT_OP_RWMUTEX_UNLOCK,
    WEFT_OP_WAITGROUP_ADD,
    WEFT_OP_WAITGROUP_WAIT,
    WEFT_OP_COND_WAIT,
    WEFT_OP_COND_SIGNAL,
    WEFT_OP_COND_BROADCAST,
    WEFT_OP_ONCE,
    WEFT_OP_SLEEP,
    WEFT_OP_TIMER,
    WEFT_OP_ATOMIC,
    WEFT_OP_ACCESS,
    WEFT_OP_NET_LISTEN,
    WEFT_OP_NET_ACCEPT,
    WEFT_OP_NET_DIAL,
    WEFT_OP_NET_READ,
    WEFT_OP_NET_WRITE,
    WEFT_OP_NET_CLOSE,
    WEFT_OP_BLOCKING,
    WEFT_OP_WAITGROUP_DONE, /* an Add of -1 */
    WEFT_OP_CALL, /* an instrumented function's entry (preempt_calls=1) */
    WEFT_OP_COUNT
};

/** "chan send", "mutex lock", ...: an operation's name in traces. */
const char *weft_op_name(enum weft_op op);

/** One option of a choice: a goroutine (with the operation it is about to
 * perform and that operation's object), a select case, or a timer. */
struct weft_option {
    uint64_t id;     /**< goroutine id, case index, or timer id */
    enum weft_op op; /**< WEFT_CHOOSE_GOROUTINE: its pending operation */
    uint64_t object; /**< that operation's object id (ch#N, mutex#N), or 0 */
    /** its pending lock would close the lock-order cycle the harness is
     * trying to turn into a deadlock (potential deadlock confirmation) */
    bool inverted_lock;
};

/** A decision point. Options are in a deterministic order: for goroutines,
 * the current one first when it may continue, then the run queue in FIFO
 * order; for cases, case order; for timers, deadline then creation order.
 * Read them with weft_choice_option: a choice among n goroutines lists
 * none of them, so that it costs O(log n), not O(n). Valid only during
 * the choose() call it is passed to. */
struct weft_choice {
    enum weft_choice_kind kind; /**< what is chosen */
    size_t count;               /**< >= 1: choose an index below it */
    uint64_t current;           /**< goroutine at this point */
    bool current_can_continue;  /**< options[0] is current (a preemption
                                   point rather than a block) */
    uint64_t step;              /**< scheduling points so far in this run */
    /** scheduling points the current goroutine has passed: a position in
     * its own run, which stays put when other goroutines are reordered */
    uint64_t current_points;
    /** the runtime's: a case or timer choice's options (goroutine choices
     * read the run queue) */
    const struct weft_option *listed;
};

/** The option at index (below choice->count); O(log count). */
struct weft_option weft_choice_option(const struct weft_choice *choice,
                                      size_t index);

/** A goroutine choice's first option of the greatest rank (the strategy's
 * rank(); all 0 without one); O(log count). Asks rank() again for the
 * current goroutine. */
size_t weft_choice_highest(const struct weft_choice *choice);

/** A scheduling strategy. The runtime decides what is possible, the strategy
 * which of it happens. choose() must depend only on its own state and the
 * choice, never on time or addresses, so a run replays. */
struct weft_strategy {
    const char *name; /**< for messages: "fifo", "random", ... */
    /** true: consulted at every operation (preemptive exploration);
     * false: only when the current goroutine blocks, yields or ends. */
    bool preemptive;
    /** true: timers use a virtual clock that jumps to the next deadline when
     * every goroutine is blocked. */
    bool virtual_time;
    /** Returns the index of the option to take, below choice->count. */
    size_t (*choose)(struct weft_strategy *self,
                     const struct weft_choice *choice);
    /** Optional, for weft_choice_highest: a goroutine's rank. Asked when
     * the goroutine joins the run queue, and for the current goroutine at
     * each choice, so a rank may change only while its goroutine runs.
     * Like choose(), a function of the strategy's own state. */
    uint64_t (*rank)(struct weft_strategy *self, uint64_t goroutine_id);
};

/** First come, first served: the default for ordinary runs. */
struct weft_strategy *weft_strategy_fifo(void);

/** Uniform random choice at every scheduling point, from a seed. */
struct weft_random_strategy {
    struct weft_strategy base; /**< pass &s.base as the strategy */
    uint64_t state[4];         /**< the generator's state */
};
/** Makes s a random strategy seeded with seed (virtual time, preemptive). */
void weft_strategy_random_init(struct weft_random_strategy *s, uint64_t seed);

/** A tiny deterministic generator (xoshiro256**), for strategies. */
uint64_t weft_random_next(uint64_t state[4]);
/** Seeds the generator: the same seed, the same sequence. */
void weft_random_seed(uint64_t state[4], uint64_t seed);
/** Uniform in [0, bound), bound > 0. */
uint64_t weft_random_below(uint64_t state[4], uint64_t bound);

#ifdef __cplusplus
}
#endif
#endif /* WEFT_STRATEGY_H */
