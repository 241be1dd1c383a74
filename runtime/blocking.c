/*
 * Blocking calls off the scheduler: weft_blocking(fn, arg) runs fn on a
 * helper thread while the calling goroutine is parked, so one goroutine's
 * read of a slow file does not stop the others (Go hands its P to another
 * thread around a blocking syscall; here the call moves instead).
 *
 * Helper threads start on demand, up to HELPERS_MAX, and stay. A finished
 * call goes on the netpoller's completion list, whose eventfd wakes the
 * scheduler (netpoll_complete); the scheduler readies the caller.
 * Under a virtual-time strategy, or with the race detector on, fn runs on
 * the goroutine's own thread: a schedule must replay (one thread), and the
 * detector then sees fn's accesses as the goroutine's.
 *
 * Invariants:
 *  - A call record is on the heap, not on the caller's stack: a run may end
 *    (weft_run returns) while a helper still runs fn; when that call
 *    finishes, the next run frees the record and readies nobody.
 *  - pool.lock guards the queue and the counts; helpers hold it only to
 *    take work. Helpers block every signal a process is sent (they go to
 *    the goroutines' thread).
 *  - Parallel mode: the caller parks holding its call's lock, and the
 *    completion readies it holding that lock, so not before it is switched
 *    out; the woken caller takes the lock once more before it frees the
 *    call, so the completion has let go of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "netpoll.h"
#include "parallel.h"

enum { HELPERS_MAX = 64 };

struct blocking_call {
    struct netpoll_completion done; /* first: netpoll hands it back */
    void *(*fn)(void *arg);
    void *arg;
    void *result;
    struct goroutine *g;
    uint64_t run;  /* pool.run when it was made */
    uint32_t lock; /* parallel mode: see the invariants */
    struct blocking_call *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;
    struct blocking_call *head, *tail;
    size_t queued, helpers, idle;
    bool fork_handler;
    uint64_t run; /* bumped by every weft_run */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER};

static void after_fork_in_child(void)
{
    /* the helpers stayed in the parent, with the parent's calls */
    pool.lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    pool.work = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    pool.head = pool.tail = NULL;
    pool.queued = pool.helpers = pool.idle = 0;
}

static struct blocking_call *take_work(void)
{
    while (!pool.head) {
        pool.idle++;
        pthread_cond_wait(&pool.work, &pool.lock);
        pool.idle--;
    }
    struct blocking_call *call = pool.head;
    pool.head = call->next;
    if (!pool.head)
        pool.tail = NULL;
    pool.queued--;
    return call;
}

static void *helper(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        struct blocking_call *call = take_work();
        pthread_mutex_unlock(&pool.lock);
        call->result = call->fn(call->arg);
        netpoll_complete(&call->done);
        pthread_mutex_lock(&pool.lock);
    }
    return NULL;
}

/* With pool.lock held. Returns whether a helper exists for the call. */
static bool start_helper_if_needed(void)
{
    if (pool.queued <= pool.idle || pool.helpers == HELPERS_MAX)
        return pool.helpers > 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the helper inherits it */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    bool started = pthread_create(&thread, &attr, helper, NULL) == 0;
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pool.helpers += started;
    return pool.helpers > 0;
}

/* Queues call for a helper; false if no helper can run it. */
static bool submit(struct blocking_call *call)
{
    pthread_mutex_lock(&pool.lock);
    if (!pool.fork_handler) {
        pthread_atfork(NULL, NULL, after_fork_in_child);
        pool.fork_handler = true;
    }
    call->next = NULL;
    if (pool.tail)
        pool.tail->next = call;
    else
        pool.head = call;
    pool.tail = call;
    pool.queued++;
    bool served = start_helper_if_needed();
    if (served) {
        pthread_cond_signal(&pool.work);
    } else { /* not even one thread: take it back */
        pool.head = pool.tail = NULL;
        pool.queued = 0;
    }
    pthread_mutex_unlock(&pool.lock);
    return served;
}

void blocking_call_done(struct netpoll_completion *done)
{
    struct blocking_call *call = (struct blocking_call *)done;
    if (call->run != pool.run) { /* its run is over */
        free(call);
        return;
    }
    OBJECT_LOCK(&call->lock);
    ready(call->g);
    OBJECT_UNLOCK(&call->lock);
}

void blocking_run_start(void)
{
    pool.run++;
}

void *blocking_run(void *(*fn)(void *arg), void *arg)
{
    if (rt.virtual_time || rt_process.detector || netpoll_ensure() != 0)
        return fn(arg);
    struct blocking_call *call = malloc(sizeof *call);
    if (!call)
        runtime_panic("weft_blocking: out of memory");
    *call = (struct blocking_call){
        .fn = fn, .arg = arg, .g = ws.current, .run = pool.run};
    OBJECT_LOCK(&call->lock);
    if (!submit(call)) {
        OBJECT_UNLOCK(&call->lock);
        free(call);
        return fn(arg);
    }
    netpoll_parked_add(1);
    park_releasing(WAIT_SYSCALL, &call->lock);
    netpoll_parked_add(-1);
    OBJECT_LOCK(&call->lock); /* the completion has let go of it */
    OBJECT_UNLOCK(&call->lock);
    void *result = call->result;
    free(call);
    return result;
}

void *weft_blocking(void *(*fn)(void *arg), void *arg)
{
    PANIC_IF_NIL(fn, "function");
    runtime_init_if_needed();
    sched_point(WEFT_OP_BLOCKING, NULL);
    return blocking_run(fn, arg);
}

/* ---- files ---- */

struct file_io {
    int fd;
    void *buffer;
    size_t length;
    ssize_t result;
};

static void *read_call(void *arg)
{
    struct file_io *io = arg;
    ssize_t n;
    while ((n = read(io->fd, io->buffer, io->length)) < 0 && errno == EINTR)
        ;
    io->result = n < 0 ? -errno : n;
    return NULL;
}

static void *write_all_call(void *arg)
{
    struct file_io *io = arg;
    const char *p = io->buffer;
    size_t done = 0;
    while (done < io->length) {
        ssize_t n = write(io->fd, p + done, io->length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            io->result = -errno;
            return NULL;
        }
        done += (size_t)n;
    }
    io->result = (ssize_t)done;
    return NULL;
}

ssize_t weft_file_read(int fd, void *buffer, size_t length)
{
    struct file_io io = {fd, buffer, length, 0};
    weft_blocking(read_call, &io);
    if (io.result >= 0)
        DETECT(acquire, &netpoll_io_sync);
    return io.result;
}

ssize_t weft_file_write(int fd, const void *buffer, size_t length)
{
    runtime_init_if_needed();
    DETECT(release, &netpoll_io_sync);
    struct file_io io = {fd, (void *)buffer, length, 0};
    weft_blocking(write_all_call, &io);
    return io.result;
}
