/* samples/echoserver, as its README says: each connection gets back what
 * it sends, several at once, and -c ends the server when they are gone. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sample_test.h"

enum { CLIENTS = 10 };

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    return fd;
}

static void read_exactly(int fd, char *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t n = read(fd, buffer + done, length - done);
        cr_assert_gt(n, 0, "the echo stopped after %zu bytes", done);
        done += (size_t)n;
    }
}

Test(echoserver, every_connection_gets_back_what_it_sends, .timeout = 60)
{
    FILE *server = popen(SAMPLE " -c "
                                "10"
                                " 2>&1",
                         "r");
    char line[256] = "";
    int port;
    cr_assert(fgets(line, sizeof line, server));
    cr_assert_eq(sscanf(line, "listening on 127.0.0.1:%d\n", &port), 1, "%s",
                 line);
    int fds[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        fds[i] = connect_to(port);
    /* all open at once; each sends in two pieces, the others in between */
    static char big[256 << 10], back[sizeof big];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < CLIENTS; i++) {
            char message[32], reply[32];
            int n = snprintf(message, sizeof message, "client %d round %d", i,
                             round);
            cr_assert_eq(write(fds[i], message, (size_t)n), n);
            read_exactly(fds[i], reply, (size_t)n);
            cr_assert_arr_eq(reply, message, (size_t)n);
        }
    /* more than the socket buffers hold: the server parks in its write
     * until this client reads */
    pid_t writer = fork();
    if (writer == 0) {
        _exit(write(fds[0], big, sizeof big) == (ssize_t)sizeof big ? 0 : 1);
    }
    read_exactly(fds[0], back, sizeof back);
    int status;
    waitpid(writer, &status, 0);
    cr_assert_eq(status, 0);
    cr_assert_arr_eq(back, big, sizeof big);
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    status = pclose(server);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "the server exits once its 10 connections are gone");
}
