/**
 * @file weft.h
 * weft — Go's concurrency model for C.
 *
 * Goroutines, channels, select, the sync package, timers and context, run by
 * a scheduler that makes every choice through a pluggable strategy, so a run
 * can be replayed exactly from its seed.
 *
 * Conventions:
 *  - Everything public is prefixed weft_ / WEFT_.
 *  - Misuse (close of a closed channel, unlock of an unlocked mutex, ...)
 *    panics as Go does: a message, the goroutine's stack, exit status 2.
 *  - A fatal signal in a goroutine (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 *    SIGABRT) or a stack overflow prints a Go-style traceback of every
 *    goroutine and exits with status 7 (docs/failures.md).
 *  - Sync objects (weft_mutex, weft_waitgroup, ...) are ready to use when
 *    zeroed, like Go's zero values; channels and timers are allocated.
 *  - Durations and instants are int64_t nanoseconds.
 *  - The first weft call turns the calling thread into goroutine 1 (main);
 *    when main() returns the program ends, whatever other goroutines are doing.
 *  - What only a strategy writer needs is in weft/strategy.h, included here;
 *    weft/internal.h holds what the sync objects embed (not for use).
 */
#ifndef WEFT_H
#define WEFT_H

#include <stdarg.h> /* va_list */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>     /* FILE */
#include <sys/types.h> /* ssize_t */

#include "weft/internal.h" /* what the sync objects embed: not for use */
#include "weft/strategy.h" /* the strategy writer's interface */

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Goroutines                                                               */
/* ------------------------------------------------------------------------ */

/** A goroutine's body. */
typedef void (*weft_fn)(void *arg);

/** Starts fn(arg) as a new goroutine; returns its id (main is 1). */
uint64_t weft_go(weft_fn fn, void *arg);

/** Lets other runnable goroutines run before the caller continues. */
void weft_yield(void);

/** Ends the calling goroutine (Go's runtime.Goexit). */
_Noreturn void weft_exit(void);

/** The calling goroutine's id. */
uint64_t weft_id(void);

/** Sets the stack size of goroutines started from now on (rounded up to
 * pages). The default is 256 KiB, or $WEFT_STACK_SIZE (bytes, or with a
 * K/M/G suffix). Stacks are reserved, not committed: only touched pages
 * cost. */
void weft_set_stack_size(size_t bytes);

/** The stack size new goroutines get. */
size_t weft_stack_size(void);

/** Number of goroutines that exist (running, runnable or blocked). */
size_t weft_goroutine_count(void);

/** Panics: prints "panic: <message>" and the goroutine's stack, exits 2. */
_Noreturn void weft_panic(const char *format, ...)
    __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------------ */
/* Runs                                                                     */
/* ------------------------------------------------------------------------ */

/* The strategy writer's interface (struct weft_strategy, the built-in
 * strategies, the generator they share) is in weft/strategy.h, included
 * above. */

/** How to run a main goroutine under weft_run(). Zero means defaults. */
struct weft_config {
    struct weft_strategy *strategy; /**< NULL: from $WEFT_OPTIONS, else FIFO */
    size_t stack_size;              /**< 0: weft_stack_size() */
    /** Non-NULL: one line per scheduling point and decision, for comparing
     * runs (same seed ⇒ same trace). */
    FILE *trace_file;
    /** Trace only scheduling points (no decisions), each with the user's
     * source location: " @ file:line". Slower; for explaining a schedule. */
    bool trace_locations;
};

/** Runs main_fn(arg) as goroutine 1 on the calling thread, with a fresh
 * runtime. Returns when main_fn returns; goroutines still alive are
 * discarded (as when a Go program's main returns). Returns 0. With
 * WEFT_OPTIONS=report_leaks=1, goroutines still blocked then are listed
 * and the program exits with status 5 instead. */
int weft_run(weft_fn main_fn, void *arg, const struct weft_config *config);

/** Scheduling points so far in this run (counted under a preemptive
 * strategy or a trace; 0 in ordinary FIFO runs). */
uint64_t weft_step(void);

/* ------------------------------------------------------------------------ */
/* Channels                                                                 */
/* ------------------------------------------------------------------------ */

/** A channel. NULL is the nil channel: sends and receives block forever. */
typedef struct weft_chan weft_chan;

/** A channel of elements of elem_size bytes, buffering capacity of them
 * (0: unbuffered, every send waits for its receiver). */
weft_chan *weft_chan_make(size_t elem_size, size_t capacity);

/** Frees a channel nobody waits on (panics otherwise). NULL is ignored. */
void weft_chan_free(weft_chan *c);

/** Copies *value into the channel, blocking until there is room or a
 * receiver. Panics if the channel is closed. */
void weft_chan_send(weft_chan *c, const void *value);

/** Receives into *out (NULL discards), blocking until a value arrives or the
 * channel is closed and drained, in which case *out is zeroed. */
void weft_chan_recv(weft_chan *c, void *out);

/** As weft_chan_recv; returns false when the value is the zero value
 * because the channel is closed and drained. */
bool weft_chan_recv_ok(weft_chan *c, void *out);

/** Sends if that does not block; returns whether it sent. */
bool weft_chan_try_send(weft_chan *c, const void *value);

/** Closes the channel: receivers drain what is buffered, then get zero
 * values; senders panic. Panics on a nil or already closed channel. */
void weft_chan_close(weft_chan *c);

/** Buffered elements (orders nothing, as len(c) in Go). */
size_t weft_chan_len(const weft_chan *c);
/** The capacity given to weft_chan_make (orders nothing). */
size_t weft_chan_cap(const weft_chan *c);
/** The element size given to weft_chan_make. */
size_t weft_chan_elem_size(const weft_chan *c);

/** for (var from c): receives until the channel is closed and drained.
 *     int v; weft_chan_range(c, v) { use(v); } */
#define weft_chan_range(c, var) while (weft_chan_recv_ok((c), &(var)))

/** How WEFT_CHAN_TYPE declares its functions: a program uses some of them
 * (clang warns of an unused static inline function in a .c file). */
#define WEFT_CHAN_FUNCTION static inline __attribute__((unused))

/** Declares a typed channel, name, with inline functions name_make(cap),
 * name_send(c, v), name_recv(c), name_recv_ok(c, &v), name_close(c),
 * name_free(c), so values need no casts:
 *     WEFT_CHAN_TYPE(int_chan, int)
 *     int_chan *c = int_chan_make(0); int_chan_send(c, 42); */
#define WEFT_CHAN_TYPE(name, type)                                             \
    typedef struct name name;                                                  \
    WEFT_CHAN_FUNCTION name *name##_make(size_t capacity)                      \
    {                                                                          \
        return (name *)weft_chan_make(sizeof(type), capacity);                 \
    }                                                                          \
    WEFT_CHAN_FUNCTION weft_chan *name##_chan(name *c)                         \
    {                                                                          \
        return (weft_chan *)c;                                                 \
    }                                                                          \
    WEFT_CHAN_FUNCTION void name##_send(name *c, type value)                   \
    {                                                                          \
        weft_chan_send((weft_chan *)c, &value);                                \
    }                                                                          \
    WEFT_CHAN_FUNCTION type name##_recv(name *c)                               \
    {                                                                          \
        type value;                                                            \
        weft_chan_recv((weft_chan *)c, &value);                                \
        return value;                                                          \
    }                                                                          \
    WEFT_CHAN_FUNCTION bool name##_recv_ok(name *c, type *value)               \
    {                                                                          \
        return weft_chan_recv_ok((weft_chan *)c, value);                       \
    }                                                                          \
    WEFT_CHAN_FUNCTION void name##_close(name *c)                              \
    {                                                                          \
        weft_chan_close((weft_chan *)c);                                       \
    }                                                                          \
    WEFT_CHAN_FUNCTION void name##_free(name *c)                               \
    {                                                                          \
        weft_chan_free((weft_chan *)c);                                        \
    }                                                                          \
    WEFT_CHAN_FUNCTION size_t name##_len(name *c)                              \
    {                                                                          \
        return weft_chan_len((weft_chan *)c);                                  \
    }

/* ------------------------------------------------------------------------ */
/* select                                                                   */
/* ------------------------------------------------------------------------ */

/** A select case's direction. */
enum weft_case_dir { WEFT_RECV = 0, WEFT_SEND = 1 };

/** One case of a select: a send of *value, or a receive into *value (NULL
 * discards). After a receive case is taken, ok says whether a value came
 * (false: the channel was closed and drained). */
struct weft_case {
    weft_chan *chan;        /**< NULL: never ready */
    enum weft_case_dir dir; /**< WEFT_RECV or WEFT_SEND */
    void *value;            /**< what to send, or where to receive */
    bool ok;                /**< receive: a value came */
};

/** A case receiving from c into *out (NULL discards). */
#define WEFT_RECV_CASE(c, out)                                                 \
    ((struct weft_case){(c), WEFT_RECV, (out), false})
/** A case sending *in on c. */
#define WEFT_SEND_CASE(c, in)                                                  \
    ((struct weft_case){(c), WEFT_SEND, (void *)(in), false})

/** weft_select_default() returns this when no case is ready. */
#define WEFT_DEFAULT (-1)

/** Blocks until one case can proceed, performs it, and returns its index.
 * Among ready cases the strategy chooses (uniformly under a seed). Cases on
 * nil channels are never ready; zero cases block forever. */
int weft_select(struct weft_case *cases, size_t count);

/** As weft_select, but returns WEFT_DEFAULT at once if no case is ready. */
int weft_select_default(struct weft_case *cases, size_t count);

/* ------------------------------------------------------------------------ */
/* sync                                                                     */
/* ------------------------------------------------------------------------ */

/** A mutual exclusion lock; zero is unlocked. Belongs to no goroutine. */
typedef struct weft_mutex {
    uint32_t locked; /**< bit 0 while held (bit 1: goroutines wait for it,
                          in production mode) */
    uint32_t id;     /**< N of mutex#N in traces; 0 until used */
    struct weft_waitq waiters; /**< goroutines blocked in lock */
    uint32_t guard;            /**< its own lock over the fields */
} weft_mutex;

/** Locks m, blocking while another holds it. */
void weft_mutex_lock(weft_mutex *m);
/** Panics ("unlock of unlocked mutex") if m is not locked. */
void weft_mutex_unlock(weft_mutex *m);
/** Locks if that does not block; a failed TryLock orders nothing. */
bool weft_mutex_trylock(weft_mutex *m);

/** A reader/writer lock; zero is unlocked. A writer waiting in Lock blocks
 * new readers, so writers do not starve (as Go). */
typedef struct weft_rwmutex {
    uint32_t readers; /**< readers holding the lock */
    uint32_t writer;  /**< 1 while a writer holds the lock */
    uint32_t writers_waiting; /**< writers blocked in lock */
    uint32_t id;              /**< N of rwmutex#N in traces */
    struct weft_waitq reader_waiters, writer_waiters; /**< blocked */
    uint32_t guard; /**< its own lock over the fields */
} weft_rwmutex;

/** Locks rw for reading, blocking while a writer holds or waits for it. */
void weft_rwmutex_rlock(weft_rwmutex *rw);
/** Panics ("RUnlock of unlocked RWMutex") without a matching RLock. */
void weft_rwmutex_runlock(weft_rwmutex *rw);
/** Locks rw for writing, blocking while anyone holds it. */
void weft_rwmutex_lock(weft_rwmutex *rw);
/** Panics ("Unlock of unlocked RWMutex") if no writer holds it. */
void weft_rwmutex_unlock(weft_rwmutex *rw);
/** Locks for writing if that does not block; returns whether it did. */
bool weft_rwmutex_trylock(weft_rwmutex *rw);
/** Locks for reading if that does not block; returns whether it did. */
bool weft_rwmutex_tryrlock(weft_rwmutex *rw);

/** Waits for a collection of goroutines; zero is a counter of 0. */
typedef struct weft_waitgroup {
    int64_t counter;           /**< goroutines still to call done */
    uint32_t id;               /**< N of wg#N in traces */
    struct weft_waitq waiters; /**< goroutines blocked in wait */
    uint32_t guard;            /**< its own lock over the fields */
} weft_waitgroup;

/** Adds delta (may be negative); panics if the counter goes below zero. */
void weft_waitgroup_add(weft_waitgroup *wg, int64_t delta);
/** Decrements the counter by one: weft_waitgroup_add(wg, -1). */
void weft_waitgroup_done(weft_waitgroup *wg);
/** Blocks until the counter is zero. */
void weft_waitgroup_wait(weft_waitgroup *wg);

/** Something that locks and unlocks (Go's sync.Locker): what a Cond holds
 * around Wait. lock(object) and unlock(object) are called as weft
 * operations of their own. */
struct weft_locker {
    void (*lock)(void *object);   /**< takes the lock */
    void (*unlock)(void *object); /**< gives it back */
    void *object;                 /**< what they lock */
};

/** m as a locker: weft_mutex_lock and weft_mutex_unlock. */
struct weft_locker weft_mutex_locker(weft_mutex *m);
/** rw's write side as a locker: weft_rwmutex_lock and _unlock. */
struct weft_locker weft_rwmutex_locker(weft_rwmutex *rw);
/** rw's read side as a locker: weft_rwmutex_rlock and _runlock (Go's
 * RWMutex.RLocker), so a Cond may wait holding a read lock. */
struct weft_locker weft_rwmutex_rlocker(weft_rwmutex *rw);

/** A condition variable bound to a mutex or another locker. Wait is woken
 * only by Signal or Broadcast; a Signal with no waiter is lost. */
typedef struct weft_cond {
    weft_mutex *mutex;         /**< held around wait (NULL: the locker) */
    uint32_t id;               /**< N of cond#N in traces */
    struct weft_waitq waiters; /**< goroutines blocked in wait */
    struct weft_locker locker; /**< held around wait when mutex is NULL */
    uint32_t guard;            /**< its own lock over the fields */
} weft_cond;

/** A static initialiser: weft_cond c = WEFT_COND_INIT(&m); */
#define WEFT_COND_INIT(mutex_ptr)                                              \
    {                                                                          \
        (mutex_ptr), 0, {0, 0}, {0, 0, 0}, 0                                   \
    }
/** Binds c to the mutex m (the runtime equivalent of WEFT_COND_INIT). */
void weft_cond_init(weft_cond *c, weft_mutex *m);
/** Binds c to a locker (Go's sync.NewCond(l)): weft_rwmutex_rlocker(&rw)
 * for a Cond whose waiters hold a read lock, or a locker of the program's
 * own. Panics if lock or unlock is NULL. */
void weft_cond_init_locker(weft_cond *c, struct weft_locker locker);
/** Unlocks the mutex (or the locker), waits for a Signal/Broadcast,
 * relocks, returns. A Signal sent after the unlock always wakes it. */
void weft_cond_wait(weft_cond *c);
/** Wakes one waiting goroutine, if any. */
void weft_cond_signal(weft_cond *c);
/** Wakes every waiting goroutine. */
void weft_cond_broadcast(weft_cond *c);

/** Runs a function exactly once; zero is not yet run. */
typedef struct weft_once {
    uint32_t state; /**< 0 not run, 1 running, 2 done */
    uint32_t id;    /**< N of once#N in traces */
    struct weft_waitq waiters; /**< goroutines waiting for fn to finish */
    uint32_t guard;            /**< its own lock over the fields */
} weft_once;

/** Calls fn(arg) if no call on this once has; every call returns after fn
 * has completed. */
void weft_once_do(weft_once *o, weft_fn fn, void *arg);

/* ------------------------------------------------------------------------ */
/* Time                                                                     */
/* ------------------------------------------------------------------------ */

/* A deadline is now + duration, saturated as Go's are: a duration too long
 * to add (up to INT64_MAX) never expires, in the timers, tickers, sleeps
 * and context timeouts below alike. */

/** Durations in ns, as Go's time.Nanosecond ... time.Hour. */
#define WEFT_NANOSECOND ((int64_t)1)
#define WEFT_MICROSECOND ((int64_t)1000)      /**< 1000 ns */
#define WEFT_MILLISECOND ((int64_t)1000000)   /**< 1000 µs */
#define WEFT_SECOND ((int64_t)1000000000)     /**< 1000 ms */
#define WEFT_MINUTE (60 * WEFT_SECOND)        /**< 60 s */
#define WEFT_HOUR (60 * WEFT_MINUTE)          /**< 60 min */

/** Monotonic time in ns: the real clock in ordinary runs, the virtual clock
 * under a strategy with virtual_time (it starts at 0). */
int64_t weft_now(void);

/** Blocks the goroutine for at least duration_ns (<= 0: just yields). */
void weft_sleep(int64_t duration_ns);

/** A channel (capacity 1, int64_t elements) that receives the time once
 * duration_ns has passed. The caller frees it with weft_chan_free. */
weft_chan *weft_after(int64_t duration_ns);

/** As weft_after, at an absolute instant of weft_now(). */
weft_chan *weft_until(int64_t deadline_ns);

/** A timer: its channel receives the time when it fires. */
typedef struct weft_timer weft_timer;

/** A timer firing once after duration_ns. */
weft_timer *weft_timer_new(int64_t duration_ns);
/** A ticker firing every period_ns (> 0); ticks a slow reader misses are
 * dropped, as in Go. */
weft_timer *weft_ticker_new(int64_t period_ns);
/** The timer's channel (int64_t elements, capacity 1). */
weft_chan *weft_timer_chan(weft_timer *t);
/** Stops the timer; returns true if that prevented it from firing. */
bool weft_timer_stop(weft_timer *t);
/** Re-arms the timer to fire after duration_ns; returns true if it was
 * active. (As in Go, drain the channel first when reusing a fired timer.)
 * On a ticker it also makes duration_ns (> 0) the new period, as Go's
 * Ticker.Reset. */
bool weft_timer_reset(weft_timer *t, int64_t duration_ns);
/** Stops and frees the timer and its channel. */
void weft_timer_free(weft_timer *t);

/* ------------------------------------------------------------------------ */
/* context                                                                  */
/* ------------------------------------------------------------------------ */

/** A cancellation scope carrying a deadline and values (Go's context). */
typedef struct weft_context weft_context;

/** Why a context is done (Go's context.Canceled, DeadlineExceeded). */
enum weft_context_err {
    WEFT_CONTEXT_OK = 0,
    WEFT_CONTEXT_CANCELED,
    WEFT_CONTEXT_DEADLINE_EXCEEDED,
};

/** The root context: never cancelled, no deadline, no values. */
weft_context *weft_context_background(void);
/** A child cancelled by weft_context_cancel or when its parent is. */
weft_context *weft_context_with_cancel(weft_context *parent);
/** A child that is also cancelled when deadline_ns (of weft_now) passes. */
weft_context *weft_context_with_deadline(weft_context *parent,
                                         int64_t deadline_ns);
/** weft_context_with_deadline at weft_now() + timeout_ns. */
weft_context *weft_context_with_timeout(weft_context *parent,
                                        int64_t timeout_ns);
/** A child carrying key → value (keys compare by pointer). */
weft_context *weft_context_with_value(weft_context *parent, const void *key,
                                      void *value);
/** Cancels ctx and its descendants (no effect if already done). */
void weft_context_cancel(weft_context *ctx);
/** Cancels ctx and drops the caller's reference (Go's `defer cancel()`). */
void weft_context_free(weft_context *ctx);
/** A channel closed when ctx is cancelled; NULL (blocks forever) for a
 * context that can never be cancelled. */
weft_chan *weft_context_done(weft_context *ctx);
/** Why ctx is done, or WEFT_CONTEXT_OK while it is not. */
enum weft_context_err weft_context_err(weft_context *ctx);
/** "context canceled", "context deadline exceeded", or NULL for OK. */
const char *weft_context_err_string(enum weft_context_err err);
/** The deadline, if ctx or an ancestor has one. */
bool weft_context_deadline(weft_context *ctx, int64_t *deadline_ns);
/** The value for key in ctx or its nearest ancestor, or NULL. */
void *weft_context_value(weft_context *ctx, const void *key);


/* ------------------------------------------------------------------------ */
/* Network I/O and blocking calls                                           */
/* ------------------------------------------------------------------------ */

/* Go's net package on weft's netpoller. An operation that would block
 * parks the calling goroutine until epoll says the descriptor is ready, so
 * one thread serves any number of connections (docs/net.md).
 *
 * Errors are negative errno values:
 *  - -ETIMEDOUT: the operation's deadline passed (Go's "i/o timeout");
 *  - -EBADF: the connection or listener was closed, by this goroutine or
 *    another, before or while the operation waited (Go's net.ErrClosed,
 *    "use of closed network connection");
 *  - -ENXIO: a host name that does not resolve ("no such host");
 *  - anything else as the kernel reports it (-ECONNREFUSED, -EPIPE, ...).
 * Functions returning a pointer return NULL on failure and store the error
 * in *error (when error is not NULL). weft_net_strerror names an error. */

/** A TCP connection, or any descriptor wrapped by weft_conn_from_fd. */
typedef struct weft_conn weft_conn;
/** A listening TCP socket. */
typedef struct weft_listener weft_listener;

/** Listens on host:port (Go's net.Listen("tcp", ...)). host: an IPv4 or
 * IPv6 literal, a name (its IPv4 address first), or NULL or "" for every
 * IPv4 address; port 0 picks a free port (see weft_listener_port). */
weft_listener *weft_listen_tcp(const char *host, int port, int *error);

/** Waits for the next connection (Go's Listener.Accept). Fails with
 * -EBADF once the listener is closed, -ETIMEDOUT past its deadline. */
weft_conn *weft_accept(weft_listener *l, int *error);

/** The port the listener is bound to, or a negative errno. */
int weft_listener_port(weft_listener *l);

/** Sets the instant (of weft_now) after which weft_accept fails with
 * -ETIMEDOUT; 0 clears it. Applies to an accept already waiting too. */
void weft_listener_set_deadline(weft_listener *l, int64_t deadline_ns);

/** Closes the listener; goroutines waiting in weft_accept return -EBADF.
 * Returns 0, or -EBADF if it was already closed. Use it no more after. */
int weft_listener_close(weft_listener *l);

/** Connects to host:port (Go's net.Dial("tcp", ...)), trying each address
 * of a name in turn; NULL or "" is this machine (127.0.0.1). Connections
 * have TCP_NODELAY set, as in Go. */
weft_conn *weft_dial_tcp(const char *host, int port, int *error);

/** As weft_dial_tcp, failing with -ETIMEDOUT if the connection is not
 * established within timeout_ns (Go's net.DialTimeout); 0: no limit. */
weft_conn *weft_dial_tcp_timeout(const char *host, int port, int64_t timeout_ns,
                                 int *error);

/** Wraps an open descriptor that epoll can watch (a socket, a pipe, a
 * terminal; not a regular file: -EPERM, use weft_file_read). It is made
 * non-blocking and weft_conn_close closes it. On failure the caller keeps
 * fd, as it was. */
weft_conn *weft_conn_from_fd(int fd, int *error);

/** Reads up to length bytes: returns how many (> 0), 0 at end of file (or
 * when length is 0), or a negative errno (-ETIMEDOUT past the read
 * deadline, -EBADF once closed). */
ssize_t weft_conn_read(weft_conn *c, void *buffer, size_t length);

/** Writes all length bytes, parking while the socket buffer is full;
 * returns length, or a negative errno (some bytes may have been sent).
 * Writing to a peer that has gone returns -EPIPE (no SIGPIPE for
 * sockets). */
ssize_t weft_conn_write(weft_conn *c, const void *buffer, size_t length);

/** Sets the read and the write deadline: an instant of weft_now() (real or
 * virtual time, as the timers) after which operations fail with
 * -ETIMEDOUT instead of waiting, including those waiting now; 0 clears it.
 * A deadline already past fails the next operation at once. */
void weft_conn_set_deadline(weft_conn *c, int64_t deadline_ns);
/** The read deadline alone (see weft_conn_set_deadline). */
void weft_conn_set_read_deadline(weft_conn *c, int64_t deadline_ns);
/** The write deadline alone (see weft_conn_set_deadline). */
void weft_conn_set_write_deadline(weft_conn *c, int64_t deadline_ns);

/** Shuts down the sending side (Go's TCPConn.CloseWrite): the peer reads
 * end of file; reading goes on. 0 or a negative errno. */
int weft_conn_close_write(weft_conn *c);

/** Closes the connection: goroutines waiting in a read or write on it
 * return -EBADF, and the descriptor is closed when they have left. Returns
 * 0, or -EBADF if it was already closed. Use it no more after. */
int weft_conn_close(weft_conn *c);

/** The underlying descriptor, for socket options and addresses. */
int weft_conn_fd(weft_conn *c);

/** "i/o timeout", "use of closed network connection", "no such host", or
 * strerror's text, for an error returned above (either sign). */
const char *weft_net_strerror(int error);

/** Runs fn(arg) on a helper thread while the calling goroutine is parked,
 * so a call that blocks its thread (a file read, a name lookup, a library
 * that does blocking I/O) does not stop the other goroutines; returns fn's
 * result. fn must not call weft functions. Under a seeded (virtual-time)
 * strategy, and in race-detector builds, fn runs on the goroutine's own
 * thread instead, so the run stays deterministic and checked. */
void *weft_blocking(void *(*fn)(void *arg), void *arg);

/** read(2) through weft_blocking: bytes read, 0 at end of file, or a
 * negative errno. */
ssize_t weft_file_read(int fd, void *buffer, size_t length);

/** Writes all length bytes through weft_blocking: returns length, or a
 * negative errno. */
ssize_t weft_file_write(int fd, const void *buffer, size_t length);

/* ------------------------------------------------------------------------ */
/* Tests and exploration (the harness)                                      */
/* ------------------------------------------------------------------------ */

/** Declares a test: its body runs as the main goroutine of each schedule.
 * Any number of files may define tests; linking libweft without a main()
 * gives the binary weft's test runner (`./tests --help`, or `weft test`).
 *     WEFT_TEST(transfer_keeps_total) { ... weft_assert(total == 100, ...); } */
#define WEFT_TEST(name)                                                        \
    static void weft_test_body_##name(void);                                   \
    __attribute__((constructor)) static void weft_test_register_##name(void)   \
    {                                                                          \
        weft_test_register(#name, weft_test_body_##name, __FILE__, __LINE__);  \
    }                                                                          \
    static void weft_test_body_##name(void)

/** Registers a test; WEFT_TEST calls it from a constructor. */
void weft_test_register(const char *name, void (*body)(void), const char *file,
                        int line);

/** The test's own check: on failure prints "assertion failed: <message>",
 * where, and the goroutine's stack, and the schedule fails. */
#define weft_assert(condition, ...)                                            \
    ((condition) ? (void)0                                                     \
                 : weft_assert_fail(#condition, __FILE__, __LINE__,            \
                                    __VA_ARGS__))

/** weft_assert naming another place than its own: for a framework's
 * checking function or macro, which passes its caller's __FILE__ and
 * __LINE__ so that the report names the test's line, not the wrapper's
 * (see also weft_hide_function, for the stack below it): a check_eq(file,
 * line, a, b) called as check_eq(__FILE__, __LINE__, x, y) calls
 *     weft_assert_at(file, line, a == b, "%ld != %ld", a, b); */
#define weft_assert_at(file, line, condition, ...)                             \
    ((condition) ? (void)0                                                     \
                 : weft_assert_fail(#condition, file, line, __VA_ARGS__))

/** weft_assert's failure: reports it and ends the schedule. */
_Noreturn void weft_assert_fail(const char *condition, const char *file,
                                int line, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/** weft_assert_fail with the message's arguments as a va_list, for a
 * wrapper that takes a format of its own. */
_Noreturn void weft_assert_failv(const char *condition, const char *file,
                                 int line, const char *format, va_list args)
    __attribute__((format(printf, 4, 0)));

/** Leaves the frames of the function named function out of every report
 * (assertions, panics, deadlocks, leaks, races, "created at" stacks and
 * the locations of a minimised schedule's steps), as weft's own frames are
 * left out: for a test framework's wrappers around weft_assert_at, weft_go
 * or a lock, so that reports name the test's code that called them. Up to
 * 64 names (more: a panic); the name is copied. Call it before
 * weft_explore: each schedule's process inherits it. */
void weft_hide_function(const char *function);

/** What a schedule (or an exploration) ended with. Each kind has its own
 * name (weft_verdict_name), which reports print. */
enum weft_verdict_kind {
    WEFT_PASS,     /**< "pass": the test returned, nothing reported */
    WEFT_RACE,     /**< "data race": the detector reported a data race */
    WEFT_DEADLOCK, /**< "deadlock": all goroutines asleep in a schedule */
    WEFT_LEAK,     /**< "goroutine leak": goroutines still blocked when the
                        test returned */
    WEFT_ASSERT,   /**< "assertion failed": a weft_assert failed */
    WEFT_PANIC,    /**< "panic": a runtime panic (misuse); also bad input
                        to weft_explore or weft_replay */
    WEFT_CRASH,    /**< "crash": a signal: SIGSEGV, SIGABRT, stack
                        overflow, ... */
    WEFT_HANG,     /**< "hang": the step limit or the per-schedule time
                        limit */
    /** "potential deadlock": a lock-order inversion that no confirmation
     * schedule closed (not confirmed) */
    WEFT_LOCK_ORDER,
    /** "confirmed deadlock": a lock-order inversion, then a schedule that
     * deadlocks on its cycle (weft_explore's verdict only: a replay of
     * that schedule is a WEFT_DEADLOCK) */
    WEFT_CONFIRMED_DEADLOCK,
};

/** "pass", "data race", "deadlock", ... */
const char *weft_verdict_name(enum weft_verdict_kind kind);

/** How the harness keeps schedules apart (weft_explore_options). */
enum weft_isolation {
    /** persistent, or fork where the environment says WEFT_ISOLATION=fork */
    WEFT_ISOLATION_DEFAULT = 0,
    /** one schedule server per worker, back to a snapshot after each pass */
    WEFT_ISOLATION_PERSISTENT,
    /** a fork per schedule */
    WEFT_ISOLATION_FORK,
};

/** How to explore. Zero means defaults. */
struct weft_explore_options {
    /** "surw:abreast", "surw", "pct", "pct:D", "pos", "random", "dfs",
     * "dfs:B", or NULL for the default portfolio (surw:abreast alone:
     * docs/search.md says why). */
    const char *strategy;
    uint64_t iterations;        /**< schedules to run (default 1000) */
    int64_t time_budget_ns;     /**< stop after this long, if > 0 */
    uint64_t seed;              /**< base seed (default 0x5eed) */
    uint64_t max_steps;         /**< hang: steps per schedule (default 1e6) */
    int64_t schedule_timeout_ns; /**< hang: wall clock per schedule (10 s) */
    /** This shard of the seed space: schedules i with i % shard_count ==
     * shard_index. */
    unsigned shard_index, shard_count; /**< 0: one shard */
    unsigned jobs;              /**< worker processes (default 1) */
    bool preempt_on_access;     /**< instrumented accesses are points too */
    bool keep_going;            /**< don't stop at the first failure */
    bool no_lock_order; /**< no potential-deadlock (lock-order) check */
    const char *test_name;      /**< for reports and replay lines */
    /** A weft test binary (its main is weft's runner) for the printed
     * `weft replay` command; NULL (a program with its own main): reports
     * print the weft_replay call instead. */
    const char *replay_program;
    /** Appended to that command after " -- ": a pthread program's own
     * arguments, quoted for the shell; NULL: none. */
    const char *replay_args;
    /** How schedules are kept apart: WEFT_ISOLATION_PERSISTENT (the
     * default) runs them one after another in one forked process that
     * goes back to a snapshot after each pass, and forks afresh after a
     * failure or a change it cannot undo; WEFT_ISOLATION_FORK forks each.
     * Verdicts, reports and replays are the same either way. */
    enum weft_isolation isolation;
    bool verbose; /**< say when and why schedules fall back to forks */
    const char *trace_path;     /**< write the failing schedule here as Chrome
                                   trace-event JSON (Perfetto opens it) */
    FILE *report_file;          /**< for reports (default stderr) */
};

/** One exploration's outcome: the first failing schedule, if any. */
struct weft_verdict {
    enum weft_verdict_kind kind; /**< WEFT_PASS, or the first failure's */
    uint64_t schedules;         /**< schedules run */
    uint64_t distinct_schedules; /**< dfs: distinct schedules explored */
    bool exhausted;             /**< dfs: the whole bounded space was run */
    uint64_t seed;              /**< the failing schedule's seed */
    char strategy[32];          /**< its strategy, e.g. "pct:3" */
    char schedule[512];         /**< its decisions, replayable ("" if long) */
};

/** Runs fn as the main goroutine under many schedules, each from the
 * state of a fresh copy of the calling process (options->isolation says
 * how); returns the first failure (or a pass). */
struct weft_verdict weft_explore(void (*fn)(void),
                                 const struct weft_explore_options *options);

/** Runs one schedule of fn again, as a report's "replay:" line names it,
 * and prints its report as weft_explore did (without minimising it):
 * - "STRATEGY seed SEED": a seeded schedule ("random seed 0x5eed1234",
 *   "pct:3:40 seed 0x8f3e"; pct with its K, as printed);
 * - "[STRATEGY ]SCHEDULE": a schedule string ("v1:0*12.2.0*5.1"), any
 *   strategy's ("dfs v1:...", "confirm v1:..."); after its decisions the
 *   strategy (default dfs:0) goes on;
 * either followed by "preempt-on-access" and "no-lock-order" when the
 * schedule was found with those options (the printed text says so).
 * options: as weft_explore's (test_name, report_file, max_steps, ...;
 * strategy, seed, preempt_on_access and no_lock_order come from schedule;
 * the exploring ones are ignored); NULL for defaults. The same program, fn
 * and schedule print the same report and give the same verdict (the
 * schedule's own: a confirmed deadlock replays as WEFT_DEADLOCK). A
 * schedule that does not parse is reported and gives WEFT_PANIC. */
struct weft_verdict weft_replay(void (*fn)(void), const char *schedule,
                                const struct weft_explore_options *options);

/** The test runner that a test binary without main() gets. */
int weft_test_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif /* WEFT_H */
