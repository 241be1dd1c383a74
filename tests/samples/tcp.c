/* samples/tcpserver and samples/tcpclient, as their README says: the
 * client prints the server's lines, -n and -c end them, and a seeded
 * server runs its one-second interval on the virtual clock. */
#include "sample_test.h"

/* Starts the server (its stdout a pipe) and reads its port from the
 * first line it prints. */
static FILE *start_server(const char *environment, const char *args, int *port)
{
    char command[1024];
    snprintf(command, sizeof command, "%s %s %s 2>&1", environment, SERVER,
             args);
    FILE *server = popen(command, "r");
    cr_assert(server, "cannot run %s", command);
    char line[256] = "";
    cr_assert(fgets(line, sizeof line, server), "no output from %s", command);
    cr_assert_eq(sscanf(line, "listening on localhost:%d\n", port), 1, "%s",
                 line);
    return server;
}

static int server_status(FILE *server)
{
    int status = pclose(server);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char five_lines[] = "Response from server\n"
                                 "Response from server\n"
                                 "Response from server\n"
                                 "Response from server\n"
                                 "Response from server\n";

Test(tcp, client_copies_the_servers_lines_until_it_closes, .timeout = 60)
{
    static struct run r;
    int port;
    FILE *server = start_server("", "-p 0 -i 10 -n 5 -c 2", &port);
    run_command(&r, "%s -p %d", CLIENT, port);
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, five_lines);
    run_command(&r, "%s -p %d -n 2", CLIENT, port);
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, "Response from server\n"
                               "Response from server\n");
    cr_assert_eq(server_status(server), 0, "after its 2 connections");
}

Test(tcp, concurrent_clients_are_each_served_by_their_own_goroutine,
     .timeout = 60)
{
    static struct run r;
    int port;
    FILE *server = start_server("", "-p 0 -i 20 -n 5 -c 4", &port);
    /* four at once: one goroutine each, interleaved on one thread */
    run_command(&r,
                "for i in 1 2 3 4; do %s -p %d > %s/tcp-client-$i.out & done;"
                " wait; cat %s/tcp-client-[1-4].out | sort | uniq -c",
                CLIENT, port, TEST_BINARY_DIR, TEST_BINARY_DIR);
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, "     20 Response from server\n");
    cr_assert_eq(server_status(server), 0);
}

Test(tcp, a_seeded_server_sleeps_on_the_virtual_clock, .timeout = 60)
{
    static struct run r;
    int port;
    /* the default interval, a second, takes no time under a seed */
    FILE *server = start_server("WEFT_OPTIONS=seed=1", "-p 0 -n 5 -c 1", &port);
    run_command(&r, "%s -p %d", CLIENT, port);
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, five_lines);
    cr_assert_eq(server_status(server), 0);
}

Test(tcp, client_reports_a_refused_dial, .timeout = 60)
{
    static struct run r;
    int port;
    FILE *server = start_server("", "-p 0 -n 1 -c 1", &port);
    run_command(&r, "%s -p %d", CLIENT, port);
    cr_assert_eq(server_status(server), 0);
    run_command(&r, "%s -p %d", CLIENT, port);
    cr_assert_eq(r.status, 1, "%s", r.output);
    char want[128];
    snprintf(want, sizeof want,
             "tcpclient: dial localhost:%d: Connection refused\n", port);
    cr_assert_str_eq(r.output, want);
}
