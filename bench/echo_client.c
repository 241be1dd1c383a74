/* echo_client: the load for the `echo` row, the same against weft's echo
 * server and Go's. One thread, epoll, plain sockets (no weft): each of
 * CONNECTIONS connections sends a SIZE-byte request, waits for all of it
 * to come back, and sends the next. After a warm-up it counts the
 * requests answered in SECONDS and prints requests per second.
 *
 *     echo_client PORT [CONNECTIONS=100] [SECONDS=2] [SIZE=64]
 */
#define _GNU_SOURCE
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { SIZE_MAX_BYTES = 4096 };

struct connection {
    int fd;
    size_t received; /* bytes of the current echo */
};

static long argument(int argc, char **argv, int index, long fallback)
{
    return argc > index ? strtol(argv[index], NULL, 10) : fallback;
}

static void die(const char *what)
{
    fprintf(stderr, "echo_client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("connect");
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return fd;
}

static void send_request(int fd, const char *request, size_t size)
{
    if (write(fd, request, size) != (ssize_t)size) /* fits any buffer */
        die("write");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: echo_client PORT [CONNECTIONS] [SECONDS] "
                        "[SIZE]\n");
        return 2;
    }
    int port = (int)argument(argc, argv, 1, 0);
    long count = argument(argc, argv, 2, 100);
    double seconds = (double)argument(argc, argv, 3, 2);
    size_t size = (size_t)argument(argc, argv, 4, 64);
    if (count <= 0 || size == 0 || size > SIZE_MAX_BYTES)
        return 2;
    char request[SIZE_MAX_BYTES], reply[SIZE_MAX_BYTES];
    memset(request, 'x', size);

    int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct connection *conns = calloc((size_t)count, sizeof *conns);
    for (long i = 0; i < count; i++) {
        conns[i].fd = dial(port);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0)
            die("epoll_ctl");
        send_request(conns[i].fd, request, size);
    }

    const double warm_up_ns = 0.5e9;
    double start = bench_now_ns(), measure_from = start + warm_up_ns;
    double measure_until = measure_from + seconds * 1e9;
    long answered = 0;
    bool measuring = false;
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(epfd, events, 256, 100);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            struct connection *c = events[i].data.ptr;
            ssize_t got = read(c->fd, reply, size - c->received);
            if (got <= 0)
                die("read (the server closed)");
            c->received += (size_t)got;
            if (c->received < size)
                continue;
            c->received = 0;
            answered += measuring;
            send_request(c->fd, request, size);
        }
        double now = bench_now_ns();
        if (!measuring && now >= measure_from) {
            measuring = true;
            measure_from = now;
            measure_until = now + seconds * 1e9;
        } else if (measuring && now >= measure_until) {
            printf("%.0f\n", (double)answered / ((now - measure_from) / 1e9));
            return 0;
        }
    }
}
