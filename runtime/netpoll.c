/*
 * The netpoller's mechanism: one epoll instance, an eventfd that
 * interrupts a wait and signals finished blocking calls, the pool of
 * descriptor records, and parking on them (invariants in netpoll.h; when
 * the scheduler polls is netpoll_sched.c's business).
 *
 * Lock order: np.lock guards the epoll instance's creation, the record
 * pool and the completion list, and is never held while a goroutine
 * switches, nor with a record's lock. A record's other fields are under
 * its own lock in parallel mode (netpoll.h).
 * After fork the child gets its own epoll instance and eventfd, and
 * re-registers the records still open, so a forked schedule never shares
 * readiness with its parent or siblings.
 */
#define _GNU_SOURCE
#include "netpoll.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "parallel.h"

size_t netpoll_parked;
char netpoll_io_sync;

enum { DESCS_PER_CHUNK = 64, EPOLL_BATCH = 128 };

struct desc_chunk {
    struct desc_chunk *next;
    struct netpoll_desc descs[DESCS_PER_CHUNK];
};

static struct {
    pthread_mutex_t lock;
    int epfd;    /* -1 until first needed */
    int eventfd; /* registered level-triggered, data.ptr = &interrupt */
    bool fork_handler;
    bool reregister; /* a forked child: open records need the new epfd */
    struct desc_chunk *chunks;
    struct netpoll_desc *free;
    struct netpoll_completion *done_head, *done_tail;
    size_t done_count; /* read without the lock, as a hint */
} np = {.lock = PTHREAD_MUTEX_INITIALIZER, .epfd = -1, .eventfd = -1};

static char interrupt_token; /* the eventfd's epoll data */

/* ---- the epoll instance ---- */

static void after_fork_in_child(void)
{
    np.lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    if (np.epfd >= 0)
        close(np.epfd);
    if (np.eventfd >= 0)
        close(np.eventfd);
    np.epfd = np.eventfd = -1;
    np.reregister = np.chunks != NULL;
    /* the parent's calls finish in the parent */
    np.done_head = np.done_tail = NULL;
    np.done_count = 0;
}

static int register_desc(struct netpoll_desc *d)
{
    struct epoll_event ev = {
        .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
        .data.ptr = d,
    };
    return epoll_ctl(np.epfd, EPOLL_CTL_ADD, d->fd, &ev) == 0 ? 0 : -errno;
}

static void reregister_open_descs(void)
{
    for (struct desc_chunk *c = np.chunks; c; c = c->next)
        for (size_t i = 0; i < DESCS_PER_CHUNK; i++)
            if (c->descs[i].in_use && c->descs[i].fd >= 0)
                register_desc(&c->descs[i]);
    np.reregister = false;
}

static int start_locked(void)
{
    if (!np.fork_handler) {
        pthread_atfork(NULL, NULL, after_fork_in_child);
        np.fork_handler = true;
    }
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        return -errno;
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &interrupt_token};
    if (efd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) < 0) {
        int error = -errno;
        if (efd >= 0)
            close(efd);
        close(epfd);
        return error;
    }
    np.eventfd = efd;
    __atomic_store_n(&np.epfd, epfd, __ATOMIC_RELEASE);
    if (np.reregister)
        reregister_open_descs();
    return 0;
}

int netpoll_ensure(void)
{
    if (likely(__atomic_load_n(&np.epfd, __ATOMIC_ACQUIRE) >= 0))
        return 0;
    pthread_mutex_lock(&np.lock);
    int error = np.epfd >= 0 ? 0 : start_locked();
    pthread_mutex_unlock(&np.lock);
    return error;
}

/* ---- the seam ---- */

static int epoll_wait_ns(struct epoll_event *ready, int max, int64_t timeout_ns)
{
    int n;
    if (timeout_ns < 0) {
        n = epoll_wait(np.epfd, ready, max, -1);
    } else {
        struct timespec ts = {timeout_ns / WEFT_SECOND,
                              timeout_ns % WEFT_SECOND};
        n = epoll_pwait2(np.epfd, ready, max, &ts, NULL);
        if (n < 0 && errno == ENOSYS) { /* before Linux 5.11: ms, rounded up */
            int64_t ms = timeout_ns / WEFT_MILLISECOND +
                         (timeout_ns % WEFT_MILLISECOND != 0);
            n = epoll_wait(np.epfd, ready, max,
                           ms > INT_MAX ? INT_MAX : (int)ms);
        }
    }
    return n < 0 ? 0 : n; /* EINTR: the caller polls again */
}

static size_t take_completions(struct netpoll_event *events, size_t max)
{
    if (__atomic_load_n(&np.done_count, __ATOMIC_ACQUIRE) == 0)
        return 0;
    size_t count = 0;
    pthread_mutex_lock(&np.lock);
    while (np.done_head && count < max) {
        struct netpoll_completion *c = np.done_head;
        np.done_head = c->next;
        events[count++] = (struct netpoll_event){c, NETPOLL_DONE};
    }
    if (!np.done_head)
        np.done_tail = NULL;
    __atomic_sub_fetch(&np.done_count, count, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&np.lock);
    return count;
}

static void drain_eventfd(void)
{
    uint64_t value;
    while (read(np.eventfd, &value, sizeof value) > 0)
        ;
}

static uint32_t events_of(uint32_t epoll_events)
{
    uint32_t events = 0;
    if (epoll_events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        events |= NETPOLL_READ;
    if (epoll_events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        events |= NETPOLL_WRITE;
    if (epoll_events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        events |= NETPOLL_HUP;
    return events;
}

size_t netpoll_wait(int64_t timeout_ns, struct netpoll_event *events,
                    size_t max)
{
    if (max == 0 || netpoll_ensure() != 0)
        return 0;
    /* calls that finished while the last wait was full come first */
    size_t count = take_completions(events, max);
    if (count == max)
        return count;
    struct epoll_event ready[EPOLL_BATCH];
    size_t room = max - count < EPOLL_BATCH ? max - count : EPOLL_BATCH;
    int n = epoll_wait_ns(ready, (int)room, count ? 0 : timeout_ns);
    bool signalled = false;
    for (int i = 0; i < n; i++) {
        if (ready[i].data.ptr == &interrupt_token) {
            signalled = true;
            continue;
        }
        events[count++] = (struct netpoll_event){ready[i].data.ptr,
                                                 events_of(ready[i].events)};
    }
    if (signalled) {
        drain_eventfd();
        count += take_completions(events + count, max - count);
    }
    return count;
}

void netpoll_interrupt(void)
{
    uint64_t one = 1;
    if (__atomic_load_n(&np.epfd, __ATOMIC_ACQUIRE) >= 0 &&
        write(np.eventfd, &one, sizeof one) < 0) {
        /* EAGAIN: the counter is full, so a wake-up is pending anyway */
    }
}

void netpoll_complete(struct netpoll_completion *c)
{
    c->next = NULL;
    pthread_mutex_lock(&np.lock);
    if (np.done_tail)
        np.done_tail->next = c;
    else
        np.done_head = c;
    np.done_tail = c;
    __atomic_add_fetch(&np.done_count, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&np.lock);
    netpoll_interrupt();
}

void netpoll_parked_add(int delta)
{
    __atomic_add_fetch(&netpoll_parked, (size_t)delta, __ATOMIC_RELAXED);
}

/* Wakes a direction's waiters, or remembers the edge for the next one. */
static void dir_ready(struct netpoll_dir *dir)
{
    if (waitq_empty(&dir->waiters))
        dir->ready = true;
    else
        wake_all(&dir->waiters);
}

static void deliver_one(const struct netpoll_event *e)
{
    if (e->events & NETPOLL_DONE) {
        blocking_call_done(e->desc);
        return;
    }
    struct netpoll_desc *d = e->desc;
    OBJECT_LOCK(&d->lock);
    if (d->in_use && !d->closing) { /* else closed since that wait: stale */
        d->hung_up |= (e->events & NETPOLL_HUP) != 0;
        if (e->events & NETPOLL_READ)
            dir_ready(&d->read);
        if (e->events & NETPOLL_WRITE)
            dir_ready(&d->write);
    }
    OBJECT_UNLOCK(&d->lock);
}

/* The delivery order of a seeded run: by descriptor id, then finished
 * calls in the order they came. */
struct delivery {
    uint64_t key;
    const struct netpoll_event *event;
};

static int compare_deliveries(const void *a, const void *b)
{
    uint64_t x = ((const struct delivery *)a)->key;
    uint64_t y = ((const struct delivery *)b)->key;
    return x < y ? -1 : x > y;
}

static void deliver_in_id_order(const struct netpoll_event *events,
                                size_t count)
{
    struct delivery *order = malloc(count * sizeof *order);
    if (!order)
        runtime_panic("netpoll: out of memory");
    for (size_t i = 0; i < count; i++) {
        const struct netpoll_event *e = &events[i];
        uint64_t id = e->events & NETPOLL_DONE
                          ? UINT32_MAX + 1ull
                          : ((struct netpoll_desc *)e->desc)->id;
        order[i] = (struct delivery){id << 32 | i, e};
    }
    qsort(order, count, sizeof *order, compare_deliveries);
    for (size_t i = 0; i < count; i++)
        deliver_one(order[i].event);
    free(order);
}

void netpoll_deliver(const struct netpoll_event *events, size_t count)
{
    if (count > 1 && !rt.fifo) {
        deliver_in_id_order(events, count);
        return;
    }
    for (size_t i = 0; i < count; i++)
        deliver_one(&events[i]);
}

/* ---- the record pool ---- */

/* Outside the timer heap's lock; the record is never freed (a stale
 * timer of a reused record wakes its waiters to retry, at worst). */
static void deadline_passed(void *arg)
{
    struct netpoll_dir *dir = arg;
    OBJECT_LOCK(&dir->desc->lock);
    wake_all(&dir->waiters);
    OBJECT_UNLOCK(&dir->desc->lock);
}

static void dir_init(struct netpoll_dir *dir, struct netpoll_desc *d)
{
    *dir = (struct netpoll_dir){
        .timer = {.fn = deadline_passed, .arg = dir},
        .desc = d,
    };
}

static struct netpoll_desc *desc_alloc(void)
{
    pthread_mutex_lock(&np.lock);
    if (!np.free) {
        struct desc_chunk *chunk = calloc(1, sizeof *chunk);
        if (!chunk) {
            pthread_mutex_unlock(&np.lock);
            return NULL;
        }
        chunk->next = np.chunks;
        np.chunks = chunk;
        for (size_t i = DESCS_PER_CHUNK; i-- > 0;) {
            chunk->descs[i].fd = -1;
            chunk->descs[i].next_free = np.free;
            np.free = &chunk->descs[i];
        }
    }
    struct netpoll_desc *d = np.free;
    np.free = d->next_free;
    pthread_mutex_unlock(&np.lock);
    return d;
}

static void desc_free(struct netpoll_desc *d)
{
    OBJECT_LOCK(&d->lock); /* a stale event reads in_use under it */
    d->in_use = false;
    d->fd = -1;
    OBJECT_UNLOCK(&d->lock);
    pthread_mutex_lock(&np.lock);
    d->next_free = np.free;
    np.free = d;
    pthread_mutex_unlock(&np.lock);
}

struct netpoll_desc *netpoll_open(int fd, int *error)
{
    int started = netpoll_ensure();
    struct netpoll_desc *d = started == 0 ? desc_alloc() : NULL;
    if (!d) {
        *error = started ? started : -ENOMEM;
        return NULL;
    }
    /* field by field, under its lock: an event or deadline of the record's
     * last use may still reach it (its lock word is never reset) */
    OBJECT_LOCK(&d->lock);
    d->fd = fd;
    d->refs = 1;
    d->closing = d->is_socket = d->stream = d->drained = d->hung_up = false;
    dir_init(&d->read, d);
    dir_init(&d->write, d);
    object_id(&d->id);
    d->in_use = true;
    OBJECT_UNLOCK(&d->lock);
    int registered = register_desc(d);
    if (registered < 0) {
        desc_free(d);
        *error = registered;
        return NULL;
    }
    return d;
}

/* The last reference is gone: the descriptor goes, the record is reused. */
static void destroy(struct netpoll_desc *d)
{
    epoll_ctl(np.epfd, EPOLL_CTL_DEL, d->fd, NULL);
    close(d->fd);
    desc_free(d);
}

int netpoll_begin(struct netpoll_desc *d)
{
    if (d->closing)
        return -EBADF;
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
    return 0;
}

void netpoll_end(struct netpoll_desc *d)
{
    if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0)
        destroy(d);
}

void netpoll_close(struct netpoll_desc *d)
{
    d->closing = true;
    timer_cancel(&d->read.timer);
    timer_cancel(&d->write.timer);
    wake_all(&d->read.waiters);
    wake_all(&d->write.waiters);
}

/* ---- parking ---- */

static struct netpoll_dir *dir_of(struct netpoll_desc *d,
                                  enum netpoll_mode mode)
{
    return mode == NETPOLL_MODE_READ ? &d->read : &d->write;
}

static int dir_status(struct netpoll_desc *d, struct netpoll_dir *dir)
{
    if (d->closing)
        return -EBADF;
    if (dir->deadline != 0 && clock_now() >= dir->deadline)
        return -ETIMEDOUT;
    return 0;
}

int netpoll_prepare(struct netpoll_desc *d, enum netpoll_mode mode)
{
    struct netpoll_dir *dir = dir_of(d, mode);
    int status = dir_status(d, dir);
    if (status == 0)
        dir->ready = false;
    return status;
}

int netpoll_park(struct netpoll_desc *d, enum netpoll_mode mode)
{
    struct netpoll_dir *dir = dir_of(d, mode);
    if (dir->ready) { /* an edge came since the attempt: try again */
        dir->ready = false;
        return 0;
    }
    int status = dir_status(d, dir);
    if (status)
        return status;
    struct waiter w = {.g = ws.current};
    waitq_push(&dir->waiters, &w);
    if (dir->deadline) /* armed, or still armed */
        timer_restart(&dir->timer, dir->deadline, 0);
    netpoll_parked_add(1);
    park_releasing(WAIT_IO, &d->lock);
    OBJECT_LOCK(&d->lock);
    netpoll_parked_add(-1);
    if (waitq_empty(&dir->waiters))
        timer_cancel(&dir->timer);
    return dir_status(d, dir);
}

void netpoll_set_deadline(struct netpoll_desc *d, enum netpoll_mode mode,
                          int64_t deadline_ns)
{
    struct netpoll_dir *dir = dir_of(d, mode);
    dir->deadline = deadline_ns;
    if (waitq_empty(&dir->waiters))
        return;
    if (deadline_ns == 0 || clock_now() >= deadline_ns) {
        timer_cancel(&dir->timer);
        if (deadline_ns)
            wake_all(&dir->waiters);
        return;
    }
    timer_restart(&dir->timer, deadline_ns, 0);
}

void netpoll_run_start(void)
{
    netpoll_parked = 0;
    /* the last run's goroutines are gone, and their waiters with them */
    for (struct desc_chunk *c = np.chunks; c; c = c->next)
        for (size_t i = 0; i < DESCS_PER_CHUNK; i++) {
            struct netpoll_desc *d = &c->descs[i];
            if (!d->in_use)
                continue;
            d->read.waiters = d->write.waiters = (struct weft_waitq){0};
            d->read.timer.queued = d->write.timer.queued = false;
            d->read.timer.seq = d->write.timer.seq = 0;
        }
    blocking_run_start();
}
