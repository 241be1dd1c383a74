/*
 * The TCP server of the notes (seeds/003): a listener accepting
 * connections, each served in its own goroutine that writes
 * "Response from server" once a second until the client goes away.
 *
 *     tcpserver [-p PORT] [-i INTERVAL_MS] [-n LINES] [-c CONNECTIONS]
 *
 * PORT 8080 as in the notes (0: any free port; the first line printed says
 * which); -n ends each connection after LINES lines and -c the server after
 * CONNECTIONS connections, so a test can run it to the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <weft.h>

static struct {
    int port;
    int64_t interval_ns;
    long lines;       /* per connection; 0: until the client leaves */
    long connections; /* then stop; 0: serve forever */
} options = {.port = 8080, .interval_ns = WEFT_SECOND};

static weft_waitgroup handlers;

/* Writes a line every interval until the client goes away (or -n). */
static void handle_conn(void *arg)
{
    weft_conn *c = arg;
    static const char line[] = "Response from server\n";
    for (long i = 0; options.lines == 0 || i < options.lines; i++) {
        if (i > 0)
            weft_sleep(options.interval_ns);
        if (weft_conn_write(c, line, sizeof line - 1) < 0)
            break; /* the client left */
    }
    weft_conn_close(c);
    weft_waitgroup_done(&handlers);
}

static void parse(int argc, char **argv)
{
    int option;
    while ((option = getopt(argc, argv, "p:i:n:c:")) != -1) {
        switch (option) {
        case 'p':
            options.port = atoi(optarg);
            break;
        case 'i':
            options.interval_ns = atol(optarg) * WEFT_MILLISECOND;
            break;
        case 'n':
            options.lines = atol(optarg);
            break;
        case 'c':
            options.connections = atol(optarg);
            break;
        default:
            fprintf(stderr, "usage: tcpserver [-p PORT] [-i INTERVAL_MS] "
                            "[-n LINES] [-c CONNECTIONS]\n");
            exit(2);
        }
    }
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    int error;
    weft_listener *listener =
        weft_listen_tcp("localhost", options.port, &error);
    if (!listener) {
        fprintf(stderr, "tcpserver: listen: %s\n", weft_net_strerror(error));
        return 1;
    }
    printf("listening on localhost:%d\n", weft_listener_port(listener));
    fflush(stdout);
    for (long served = 0;
         options.connections == 0 || served < options.connections;) {
        weft_conn *conn = weft_accept(listener, &error);
        if (!conn) {
            fprintf(stderr, "tcpserver: accept: %s\n",
                    weft_net_strerror(error));
            continue;
        }
        served++;
        weft_waitgroup_add(&handlers, 1);
        weft_go(handle_conn, conn); /* go handleConn(conn) */
    }
    weft_waitgroup_wait(&handlers);
    weft_listener_close(listener);
    return 0;
}
