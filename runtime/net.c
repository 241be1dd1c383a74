/*
 * Sockets: TCP listen, accept and dial, reads and writes that park the
 * goroutine on the netpoller instead of blocking the thread, deadlines,
 * close (Go's net and internal/poll).
 *
 * Every descriptor is non-blocking (SOCK_NONBLOCK|SOCK_CLOEXEC). An
 * operation tries its call first and parks only on EAGAIN, so when data is
 * there it costs one syscall. Errors are negative errno values: -ETIMEDOUT
 * past a deadline, -EBADF on a closed connection, otherwise the kernel's.
 * A weft_conn and a weft_listener are netpoll records (struct
 * netpoll_desc); closing one wakes the goroutines parked on it, and the
 * descriptor itself is closed when the last of them has left.
 * Detector: every write releases one sync object and every read acquires
 * it (Go's ioSync), so bytes handed over a socket order the sender's
 * accesses before the receiver's.
 * Parallel mode: an operation on a connection or listener holds its
 * record's lock (netpoll.h) from after its scheduling point to its return,
 * across its non-blocking calls, and parks holding it; it drops its
 * reference (netpoll_end) after giving the lock back. Name resolution is
 * a blocking call (blocking.c), under no lock.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netpoll.h"
#include "parallel.h"
#include "saturate.h"

enum { LISTEN_BACKLOG = 4096, ADDRESSES_MAX = 8 };

static struct netpoll_desc *conn_desc(weft_conn *c)
{
    return (struct netpoll_desc *)(void *)c;
}

static struct netpoll_desc *listener_desc(weft_listener *l)
{
    return (struct netpoll_desc *)(void *)l;
}

static void set_error(int *error, int value)
{
    if (error)
        *error = value;
}

/* ---- addresses ---- */

struct addresses {
    struct sockaddr_storage addr[ADDRESSES_MAX];
    socklen_t length[ADDRESSES_MAX];
    size_t count;
};

static void add_address(struct addresses *out, const struct sockaddr *addr,
                        socklen_t length)
{
    if (out->count == ADDRESSES_MAX)
        return;
    memcpy(&out->addr[out->count], addr, length);
    out->length[out->count++] = length;
}

/* A literal IPv4 or IPv6 address; false for a name. */
static bool parse_literal(const char *host, int port, struct addresses *out)
{
    struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6,
                              .sin6_port = htons(port)};
    if (inet_pton(AF_INET, host, &v4.sin_addr) == 1)
        add_address(out, (struct sockaddr *)&v4, sizeof v4);
    else if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1)
        add_address(out, (struct sockaddr *)&v6, sizeof v6);
    return out->count > 0;
}

struct lookup {
    const char *host;
    int port;
    struct addresses *out;
    int error;
};

/* getaddrinfo reads files and may ask DNS: a blocking call. IPv4 first,
 * as Go listens on a name's IPv4 address. */
static void *lookup_call(void *arg)
{
    struct lookup *l = arg;
    char service[8];
    snprintf(service, sizeof service, "%d", l->port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    struct addrinfo *list;
    int status = getaddrinfo(l->host, service, &hints, &list);
    if (status != 0) {
        l->error = status == EAI_SYSTEM ? -errno : -ENXIO;
        return NULL;
    }
    for (int family = AF_INET; family;
         family = family == AF_INET ? AF_INET6 : 0)
        for (struct addrinfo *a = list; a; a = a->ai_next)
            if (a->ai_family == family)
                add_address(l->out, a->ai_addr, a->ai_addrlen);
    freeaddrinfo(list);
    l->error = l->out->count ? 0 : -ENXIO;
    return NULL;
}

/* host: a literal, a name, or NULL/"" (listen: every IPv4 address; dial:
 * this machine). */
static int resolve(const char *host, int port, bool listening,
                   struct addresses *out)
{
    out->count = 0;
    if (port < 0 || port > 65535)
        return -EINVAL;
    if (!host || !*host)
        host = listening ? "0.0.0.0" : "127.0.0.1";
    if (parse_literal(host, port, out))
        return 0;
    struct lookup l = {host, port, out, 0};
    blocking_run(lookup_call, &l);
    return l.error;
}

/* ---- descriptors ---- */

static int new_socket(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

/* Wraps a connected TCP socket (closed on failure). */
static weft_conn *tcp_conn(int fd, int *error)
{
    int on = 1; /* as Go: small writes go out at once */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    int status = 0;
    struct netpoll_desc *d = netpoll_open(fd, &status);
    if (!d) {
        close(fd);
        set_error(error, status);
        return NULL;
    }
    d->is_socket = d->stream = true;
    return (weft_conn *)(void *)d;
}

static weft_listener *listen_tcp(const char *host, int port, int *error)
{
    sched_point(WEFT_OP_NET_LISTEN, NULL);
    struct addresses addrs;
    int status = resolve(host, port, true, &addrs);
    if (status < 0)
        goto fail;
    int fd = status = new_socket(addrs.addr[0].ss_family);
    if (fd < 0)
        goto fail;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, (struct sockaddr *)&addrs.addr[0], addrs.length[0]) < 0 ||
        listen(fd, LISTEN_BACKLOG) < 0) {
        status = -errno;
        close(fd);
        goto fail;
    }
    struct netpoll_desc *d = netpoll_open(fd, &status);
    if (!d) {
        close(fd);
        goto fail;
    }
    d->is_socket = true;
    return (weft_listener *)(void *)d;
fail:
    set_error(error, status);
    return NULL;
}

static weft_conn *accept_conn(weft_listener *l, int *error)
{
    struct netpoll_desc *d = listener_desc(l);
    sched_point(WEFT_OP_NET_ACCEPT, &d->id);
    OBJECT_LOCK(&d->lock);
    int status = netpoll_begin(d);
    if (status < 0) {
        OBJECT_UNLOCK(&d->lock);
        set_error(error, status);
        return NULL;
    }
    int fd = -1;
    while ((status = netpoll_prepare(d, NETPOLL_MODE_READ)) == 0) {
        fd = accept4(d->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
            break;
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno != EAGAIN) {
            status = -errno;
            break;
        }
        if ((status = netpoll_park(d, NETPOLL_MODE_READ)) < 0)
            break;
    }
    OBJECT_UNLOCK(&d->lock);
    netpoll_end(d);
    if (status < 0) {
        set_error(error, status);
        return NULL;
    }
    DETECT(acquire, &netpoll_io_sync); /* the dialer's connect */
    return tcp_conn(fd, error);
}

/* Waits for a non-blocking connect to finish: 0, or -errno. */
static int finish_connect(struct netpoll_desc *d)
{
    for (;;) {
        int status = netpoll_park(d, NETPOLL_MODE_WRITE);
        if (status < 0)
            return status;
        int failure = 0;
        socklen_t length = sizeof failure;
        if (getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &failure, &length) < 0)
            return -errno;
        if (failure == EINPROGRESS || failure == EALREADY || failure == EINTR)
            continue;
        if (failure)
            return -failure;
        struct sockaddr_storage peer;
        length = sizeof peer;
        if (getpeername(d->fd, (struct sockaddr *)&peer, &length) == 0)
            return 0;
        if (errno != ENOTCONN) /* ENOTCONN: woken early, still connecting */
            return -errno;
    }
}

static weft_conn *dial_one(const struct sockaddr *addr, socklen_t length,
                           int64_t deadline, int *status)
{
    int fd = new_socket(addr->sa_family);
    if (fd < 0) {
        *status = fd;
        return NULL;
    }
    struct netpoll_desc *d = netpoll_open(fd, status);
    if (!d) {
        close(fd);
        return NULL;
    }
    d->is_socket = true;
    OBJECT_LOCK(&d->lock); /* its deadline and epoll may reach it now */
    netpoll_set_deadline(d, NETPOLL_MODE_WRITE, deadline);
    *status = 0;
    if (connect(fd, addr, length) < 0)
        *status = errno == EINPROGRESS ? finish_connect(d) : -errno;
    if (*status < 0) {
        netpoll_close(d);
        OBJECT_UNLOCK(&d->lock);
        netpoll_end(d);
        return NULL;
    }
    netpoll_set_deadline(d, NETPOLL_MODE_WRITE, 0);
    d->stream = true;
    OBJECT_UNLOCK(&d->lock);
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return (weft_conn *)(void *)d;
}

static weft_conn *dial_tcp(const char *host, int port, int64_t timeout_ns,
                           int *error)
{
    sched_point(WEFT_OP_NET_DIAL, NULL);
    int64_t deadline =
        timeout_ns > 0 ? add_saturating(clock_now(), timeout_ns) : 0;
    struct addresses addrs;
    int status = resolve(host, port, false, &addrs);
    DETECT(release, &netpoll_io_sync); /* for the acceptor */
    for (size_t i = 0; status == 0 && i < addrs.count; i++) {
        weft_conn *c = dial_one((struct sockaddr *)&addrs.addr[i],
                                addrs.length[i], deadline, &status);
        if (c)
            return c;
        if (status != -ETIMEDOUT && i + 1 < addrs.count)
            status = 0; /* try the next address */
    }
    set_error(error, status);
    return NULL;
}

weft_conn *weft_dial_tcp(const char *host, int port, int *error)
{
    return weft_dial_tcp_timeout(host, port, 0, error);
}

/* ---- the API ---- */

weft_listener *weft_listen_tcp(const char *host, int port, int *error)
{
    runtime_init_if_needed();
    return listen_tcp(host, port, error);
}

weft_conn *weft_accept(weft_listener *l, int *error)
{
    PANIC_IF_NIL(l, "listener");
    return accept_conn(l, error);
}

weft_conn *weft_dial_tcp_timeout(const char *host, int port, int64_t timeout_ns,
                                 int *error)
{
    runtime_init_if_needed();
    return dial_tcp(host, port, timeout_ns, error);
}

weft_conn *weft_conn_from_fd(int fd, int *error)
{
    runtime_init_if_needed();
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        set_error(error, -errno);
        return NULL;
    }
    int status = 0;
    struct netpoll_desc *d = netpoll_open(fd, &status);
    if (!d) {
        fcntl(fd, F_SETFL, flags); /* the caller keeps it as it was */
        set_error(error, status);
        return NULL;
    }
    int type;
    socklen_t length = sizeof type;
    d->is_socket = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0;
    return (weft_conn *)(void *)d;
}

/* ---- reading and writing ---- */

static ssize_t conn_read(weft_conn *c, void *buffer, size_t length)
{
    struct netpoll_desc *d = conn_desc(c);
    sched_point(WEFT_OP_NET_READ, &d->id);
    OBJECT_LOCK(&d->lock);
    ssize_t n = netpoll_begin(d);
    if (n < 0) {
        OBJECT_UNLOCK(&d->lock);
        return n;
    }
    /* A short read emptied the socket, and data coming since then is a new
     * edge: wait for it rather than try a read that would fail. Not after
     * a hang-up: an end of file (or a reset) stays readable, and its one
     * edge may be gone already. */
    if (length && d->drained && !d->hung_up)
        n = netpoll_park(d, NETPOLL_MODE_READ);
    while (n == 0 && length &&
           (n = netpoll_prepare(d, NETPOLL_MODE_READ)) == 0) {
        n = read(d->fd, buffer, length);
        d->drained = d->stream && n > 0 && (size_t)n < length;
        if (n >= 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            n = -errno;
            break;
        }
        if ((n = netpoll_park(d, NETPOLL_MODE_READ)) < 0)
            break;
    }
    OBJECT_UNLOCK(&d->lock);
    netpoll_end(d);
    if (n >= 0)
        DETECT(acquire, &netpoll_io_sync);
    return n;
}

static ssize_t write_some(struct netpoll_desc *d, const char *p, size_t n)
{
    return d->is_socket ? send(d->fd, p, n, MSG_NOSIGNAL) : write(d->fd, p, n);
}

static ssize_t conn_write(weft_conn *c, const void *buffer, size_t length)
{
    struct netpoll_desc *d = conn_desc(c);
    sched_point(WEFT_OP_NET_WRITE, &d->id);
    OBJECT_LOCK(&d->lock);
    ssize_t status = netpoll_begin(d);
    if (status < 0) {
        OBJECT_UNLOCK(&d->lock);
        return status;
    }
    DETECT(release, &netpoll_io_sync);
    size_t done = 0;
    while (done < length &&
           (status = netpoll_prepare(d, NETPOLL_MODE_WRITE)) == 0) {
        ssize_t n = write_some(d, (const char *)buffer + done, length - done);
        if (n >= 0) {
            done += (size_t)n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            status = -errno;
            break;
        }
        status = netpoll_park(d, NETPOLL_MODE_WRITE);
        if (status < 0)
            break;
    }
    OBJECT_UNLOCK(&d->lock);
    netpoll_end(d);
    return status < 0 ? status : (ssize_t)length;
}

/* ---- deadlines, close ---- */

void weft_conn_set_deadline(weft_conn *c, int64_t deadline_ns)
{
    PANIC_IF_NIL(c, "conn");
    weft_conn_set_read_deadline(c, deadline_ns);
    weft_conn_set_write_deadline(c, deadline_ns);
}

void weft_conn_set_read_deadline(weft_conn *c, int64_t deadline_ns)
{
    PANIC_IF_NIL(c, "conn");
    struct netpoll_desc *d = conn_desc(c);
    OBJECT_LOCK(&d->lock);
    netpoll_set_deadline(d, NETPOLL_MODE_READ, deadline_ns);
    OBJECT_UNLOCK(&d->lock);
}

void weft_conn_set_write_deadline(weft_conn *c, int64_t deadline_ns)
{
    PANIC_IF_NIL(c, "conn");
    struct netpoll_desc *d = conn_desc(c);
    OBJECT_LOCK(&d->lock);
    netpoll_set_deadline(d, NETPOLL_MODE_WRITE, deadline_ns);
    OBJECT_UNLOCK(&d->lock);
}

void weft_listener_set_deadline(weft_listener *l, int64_t deadline_ns)
{
    PANIC_IF_NIL(l, "listener");
    struct netpoll_desc *d = listener_desc(l);
    OBJECT_LOCK(&d->lock);
    netpoll_set_deadline(d, NETPOLL_MODE_READ, deadline_ns);
    OBJECT_UNLOCK(&d->lock);
}

static int close_desc(struct netpoll_desc *d)
{
    sched_point(WEFT_OP_NET_CLOSE, &d->id);
    OBJECT_LOCK(&d->lock);
    if (d->closing) {
        OBJECT_UNLOCK(&d->lock);
        return -EBADF;
    }
    DETECT(release, &netpoll_io_sync); /* the peer reads end-of-file */
    netpoll_close(d);
    OBJECT_UNLOCK(&d->lock);
    netpoll_end(d); /* the handle's reference */
    return 0;
}

int weft_conn_close(weft_conn *c)
{
    PANIC_IF_NIL(c, "conn");
    return close_desc(conn_desc(c));
}

int weft_listener_close(weft_listener *l)
{
    PANIC_IF_NIL(l, "listener");
    return close_desc(listener_desc(l));
}

static int conn_close_write(weft_conn *c)
{
    struct netpoll_desc *d = conn_desc(c);
    sched_point(WEFT_OP_NET_CLOSE, &d->id);
    OBJECT_LOCK(&d->lock);
    int status = d->closing ? -EBADF : 0;
    if (status == 0) {
        DETECT(release, &netpoll_io_sync);
        status = shutdown(d->fd, SHUT_WR) == 0 ? 0 : -errno;
    }
    OBJECT_UNLOCK(&d->lock);
    return status;
}

int weft_conn_fd(weft_conn *c)
{
    PANIC_IF_NIL(c, "conn");
    return conn_desc(c)->fd;
}

int weft_listener_port(weft_listener *l)
{
    PANIC_IF_NIL(l, "listener");
    struct sockaddr_storage addr;
    socklen_t length = sizeof addr;
    if (getsockname(listener_desc(l)->fd, (struct sockaddr *)&addr, &length) <
        0)
        return -errno;
    if (addr.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
    return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

const char *weft_net_strerror(int error)
{
    switch (error < 0 ? -error : error) {
    case ETIMEDOUT:
        return "i/o timeout";
    case EBADF:
        return "use of closed network connection";
    case ENXIO:
        return "no such host";
    default:
        return strerror(error < 0 ? -error : error);
    }
}

ssize_t weft_conn_read(weft_conn *c, void *buffer, size_t length)
{
    PANIC_IF_NIL(c, "conn");
    return conn_read(c, buffer, length);
}

ssize_t weft_conn_write(weft_conn *c, const void *buffer, size_t length)
{
    PANIC_IF_NIL(c, "conn");
    return conn_write(c, buffer, length);
}

int weft_conn_close_write(weft_conn *c)
{
    PANIC_IF_NIL(c, "conn");
    return conn_close_write(c);
}
