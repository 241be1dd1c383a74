/*
 * An echo server: every connection is served by its own goroutine, which
 * writes back whatever it reads until the client closes. One thread serves
 * them all: a goroutine waiting for its client is parked on the netpoller.
 * The benchmark's `echo` row measures it against Go's net package.
 *
 *     echoserver [-h HOST] [-p PORT] [-c CONNECTIONS]
 *
 * HOST 127.0.0.1, PORT 0 (any free port: the first line printed says
 * which); -c stops after CONNECTIONS connections have come and gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <weft.h>

static weft_waitgroup connections;

static void echo(void *arg)
{
    weft_conn *c = arg;
    char buffer[4096];
    ssize_t n;
    while ((n = weft_conn_read(c, buffer, sizeof buffer)) > 0)
        if (weft_conn_write(c, buffer, (size_t)n) < 0)
            break;
    weft_conn_close(c);
    weft_waitgroup_done(&connections);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    int port = 0;
    long limit = 0; /* connections to serve; 0: forever */
    int option;
    while ((option = getopt(argc, argv, "h:p:c:")) != -1) {
        switch (option) {
        case 'h':
            host = optarg;
            break;
        case 'p':
            port = atoi(optarg);
            break;
        case 'c':
            limit = atol(optarg);
            break;
        default:
            fprintf(stderr, "usage: echoserver [-h HOST] [-p PORT] "
                            "[-c CONNECTIONS]\n");
            return 2;
        }
    }
    int error;
    weft_listener *listener = weft_listen_tcp(host, port, &error);
    if (!listener) {
        fprintf(stderr, "echoserver: listen: %s\n", weft_net_strerror(error));
        return 1;
    }
    printf("listening on %s:%d\n", host, weft_listener_port(listener));
    fflush(stdout);
    for (long served = 0; limit == 0 || served < limit; served++) {
        weft_conn *c = weft_accept(listener, &error);
        if (!c) {
            fprintf(stderr, "echoserver: accept: %s\n",
                    weft_net_strerror(error));
            return 1;
        }
        weft_waitgroup_add(&connections, 1);
        weft_go(echo, c);
    }
    weft_waitgroup_wait(&connections);
    weft_listener_close(listener);
    return 0;
}
