/*
 * The netpoller: goroutines park on descriptors that are not ready and are
 * made runnable when epoll says they are (Go's netpoll.go and
 * netpoll_epoll.go).
 *
 * The seam a scheduler uses is the first four functions: wait for events
 * (holding no lock), deliver them, ask whether anyone
 * is parked on I/O, and interrupt a wait. Everything else is for the files
 * that park goroutines on descriptors (net.c, blocking.c).
 *
 * Invariants:
 *  - A descriptor record (struct netpoll_desc) is never freed to malloc:
 *    records are pooled, so an event that names one after it was closed
 *    (one a concurrent netpoll_wait returned) reaches a record that is
 *    still memory, and at worst wakes a goroutine that retries its call.
 *  - Every descriptor is registered once, edge-triggered, for both
 *    directions. An edge that comes while nobody waits in that direction
 *    sets dir.ready, so the next waiter retries instead of sleeping; a
 *    direction's ready flag is cleared before each attempt (netpoll_begin),
 *    whose own outcome covers every edge before it.
 *  - dir.waiters is non-empty only while goroutines are parked there; each
 *    wake takes them all (they retry; the losers park again).
 *  - A direction's deadline timer is armed only while someone waits there.
 *  - netpoll_parked counts goroutines parked on I/O and blocking calls in
 *    flight; nothing polls while it is zero.
 *
 * Parallel mode, as Go's pollDesc: each record has a lock of its own
 * (lock), over its fields but fd, id and refs (atomic) and the pool's; the
 * operations below on a record are called holding it, and a goroutine
 * parks on a record holding it. A direction's deadline timer waits in a
 * worker's heap and its function runs outside the heap's lock, then takes
 * the record's: the order is a record's lock, a timer heap's, the
 * scheduler's. Events are delivered under each record's lock; finished
 * blocking calls under their call's (blocking.c).
 */
#ifndef WEFT_RUNTIME_NETPOLL_H
#define WEFT_RUNTIME_NETPOLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

/* What fired, in struct netpoll_event.events. */
enum {
    NETPOLL_READ = 1u << 0,  /* readable, or hung up, or an error */
    NETPOLL_WRITE = 1u << 1, /* writable, or hung up, or an error */
    NETPOLL_DONE = 1u << 2,  /* desc is a finished blocking call */
    NETPOLL_HUP = 1u << 3,   /* the peer closed, or an error: for good */
};

/* A descriptor record (pollDesc), or a finished blocking call, and what
 * fired. */
struct netpoll_event {
    void *desc;
    uint32_t events;
};

/* ---- the seam ---- */

/* Waits up to timeout_ns (-1 forever, 0 just poll) for armed descriptors;
 * never touches other runtime state, so a caller may wait holding no
 * lock. Returns how many events it stored in events[0..max). */
size_t netpoll_wait(int64_t timeout_ns, struct netpoll_event *events,
                    size_t max);

/* Makes runnable the goroutines these events concern (taking, in parallel
 * mode, each record's lock, or each finished call's).
 * Under a strategy other than FIFO the events are taken in the order of
 * their descriptors' ids, so a seeded run wakes goroutines in the same
 * order every time. */
void netpoll_deliver(const struct netpoll_event *events, size_t count);

/* True while any goroutine is parked on I/O or in a blocking call (so
 * "every goroutine is asleep" is not a deadlock). One load: schedulers test
 * it on their fast path. */
extern size_t netpoll_parked __attribute__((visibility("hidden")));
static inline bool netpoll_waiting(void)
{
    return __atomic_load_n(&netpoll_parked, __ATOMIC_RELAXED) != 0;
}

/* Wakes a netpoll_wait blocked in another thread (eventfd). */
void netpoll_interrupt(void);

/* Creates the epoll instance and eventfd if this process has none yet;
 * 0, or -errno. */
int netpoll_ensure(void);

/* The detector's one sync object for all I/O (Go's ioSync): a write
 * releases it and a read acquires it, so what a goroutine did before
 * sending bytes happens before what the receiver does after reading. */
extern char netpoll_io_sync;

/* ---- descriptors ---- */

/* One direction of a descriptor. */
struct netpoll_dir {
    struct weft_waitq waiters; /* goroutines parked until it is ready */
    int64_t deadline;          /* weft_now() instant; 0: none */
    struct timer timer;        /* fires at the deadline while parked */
    bool ready;                /* an edge came while nobody waited */
    struct netpoll_desc *desc; /* whose direction: the timer's function */
};

struct netpoll_desc {
    int fd;
    uint32_t id;    /* net#N: creation order in this run */
    uint32_t refs;  /* the open handle, plus operations in progress */
    uint32_t lock;  /* parallel mode: the fields below */
    bool closing;   /* closed: operations fail with -EBADF */
    bool is_socket; /* writes use send(MSG_NOSIGNAL) */
    bool stream;    /* a TCP socket: a short read empties it */
    bool drained;   /* stream: the last read was short */
    bool hung_up;   /* NETPOLL_HUP came: reads end without another edge */
    bool in_use;    /* false: on the free list */
    struct netpoll_dir read, write;
    struct netpoll_desc *next_free;
};

enum netpoll_mode { NETPOLL_MODE_READ, NETPOLL_MODE_WRITE };

/* Registers fd (already non-blocking) and returns its record with one
 * reference (the handle's), or NULL with -errno in *error. */
struct netpoll_desc *netpoll_open(int fd, int *error);

/* Closes the handle, holding d's lock: operations parked on d return
 * -EBADF; the caller then gives d's lock back and the handle's reference
 * (netpoll_end), and the descriptor is closed when the last operation in
 * progress has left. */
void netpoll_close(struct netpoll_desc *d);

/* An operation starts, holding d's lock: -EBADF if d is closed, else it
 * holds a reference until netpoll_end, called without d's lock (the last
 * reference reuses the record). */
int netpoll_begin(struct netpoll_desc *d);
void netpoll_end(struct netpoll_desc *d);

/* Before each attempt in mode: -EBADF (closed), -ETIMEDOUT (its deadline
 * has passed) or 0; forgets earlier readiness (the attempt will see it). */
int netpoll_prepare(struct netpoll_desc *d, enum netpoll_mode mode);

/* The attempt would block: parks the goroutine (releasing d's lock, and
 * taking it again) until d is ready in mode, closed, or past its deadline.
 * Returns 0 (try again), -EBADF or -ETIMEDOUT. */
int netpoll_park(struct netpoll_desc *d, enum netpoll_mode mode);

/* Sets the deadline of mode (a weft_now() instant; 0: none), for the
 * operations to come and those parked now. */
void netpoll_set_deadline(struct netpoll_desc *d, enum netpoll_mode mode,
                          int64_t deadline_ns);

/* ---- blocking calls (blocking.c) ---- */

/* A finished blocking call waits on a list until netpoll_wait returns it. */
struct netpoll_completion {
    struct netpoll_completion *next;
};
/* From a helper thread: c is done; the scheduler will deliver it. */
void netpoll_complete(struct netpoll_completion *c);
/* A goroutine parks on a blocking call / has come back from one. */
void netpoll_parked_add(int delta);
/* blocking.c: the goroutine waiting for c may run. */
void blocking_call_done(struct netpoll_completion *c);
/* blocking.c: calls still running belong to the last run; drop them. */
void blocking_run_start(void);
/* weft_blocking inside an operation (its scheduling point passed, holding
 * no lock). */
void *blocking_run(void *(*fn)(void *arg), void *arg);

/* ---- the scheduler's policy (netpoll_sched.c) ---- */

/* Called by the scheduler while netpoll_waiting(): idle, nothing else can
 * run, so wait (real time: until the next timer; virtual time: see the
 * file); not idle, poll now and then so I/O-bound goroutines are not
 * starved. */
void netpoll_schedule(bool idle);
/* Delivers whatever is ready now; returns whether anything was. */
bool netpoll_poll_now(void);

/* A fresh run (weft_run): no goroutine of the last one waits any more. */
void netpoll_run_start(void);

#endif
