/*
 * The TCP client of the notes (seeds/003): dials the server and copies
 * what it sends to stdout until the server closes the connection.
 *
 *     tcpclient [-h HOST] [-p PORT] [-n LINES]
 *
 * HOST localhost and PORT 8080 as in the notes; -n stops after LINES lines.
 * The copy to stdout goes through weft_file_write: a terminal or a file
 * may block, and a blocking call runs off the scheduler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

static struct {
    const char *host;
    int port;
    long lines; /* 0: until the server closes */
} options = {.host = "localhost", .port = 8080};

/* Copies src to stdout (Go's io.Copy), up to options.lines lines; exits
 * on an error, as the notes' mustCopy. */
static void must_copy(weft_conn *src)
{
    char buffer[4096];
    long lines = 0;
    for (;;) {
        ssize_t n = weft_conn_read(src, buffer, sizeof buffer);
        if (n == 0)
            return;
        if (n < 0) {
            fprintf(stderr, "tcpclient: read: %s\n", weft_net_strerror((int)n));
            exit(1);
        }
        size_t length = 0;
        while (length < (size_t)n &&
               (options.lines == 0 || lines < options.lines))
            lines += buffer[length++] == '\n';
        if (weft_file_write(STDOUT_FILENO, buffer, length) < 0)
            exit(1);
        if (options.lines && lines == options.lines)
            return;
    }
}

int main(int argc, char **argv)
{
    int option;
    while ((option = getopt(argc, argv, "h:p:n:")) != -1) {
        switch (option) {
        case 'h':
            options.host = optarg;
            break;
        case 'p':
            options.port = atoi(optarg);
            break;
        case 'n':
            options.lines = atol(optarg);
            break;
        default:
            fprintf(stderr,
                    "usage: tcpclient [-h HOST] [-p PORT] [-n LINES]\n");
            return 2;
        }
    }
    int error;
    weft_conn *conn = weft_dial_tcp(options.host, options.port, &error);
    if (!conn) {
        fprintf(stderr, "tcpclient: dial %s:%d: %s\n", options.host,
                options.port, weft_net_strerror(error));
        return 1;
    }
    must_copy(conn);
    weft_conn_close(conn);
    return 0;
}
