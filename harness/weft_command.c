/*
 * The `weft` command: checks its arguments and hands them to the test
 * binary's own runner (weft_test_main), which does the work in-process.
 *     weft test BINARY [TEST...] [options]
 *     weft replay BINARY --test T (--seed S | --schedule STRING | ...)
 *     weft list BINARY
 * Exit status: 0 clean, 1 a bug found, 2 a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
    "usage: weft test BINARY [TEST...] [--strategy S] [--iterations N | --time "
    "D]\n"
    "                 [--seed S] [-j N] [--shard I/N] [--junit FILE]\n"
    "                 [--trace FILE] [--max-steps N] [--keep-going]\n"
    "                 [--preempt-on-access] [--no-lock-order]\n"
    "       weft replay BINARY --test T (--seed S [--strategy S] |\n"
    "                 --schedule STRING | --schedule-file FILE)\n"
    "       weft list BINARY\n";

static int fail(const char *format, const char *a, const char *b)
{
    fputs("weft: ", stderr);
    fprintf(stderr, format, a, b);
    fputc('\n', stderr);
    return 2;
}

/* True if binary answers the runner's handshake. */
static bool is_test_binary(const char *binary)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        int null = open("/dev/null", 1);
        dup2(null, STDERR_FILENO);
        close(pipe_fds[0]);
        execl(binary, binary, "--weft-handshake", (char *)NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    char answer[64] = {0};
    ssize_t n = read(pipe_fds[0], answer, sizeof answer - 1);
    close(pipe_fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return n > 0 && strncmp(answer, "weft test binary ", 17) == 0 &&
           WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *command = argv[1];
    if (strcmp(command, "test") != 0 && strcmp(command, "replay") != 0 &&
        strcmp(command, "list") != 0)
        return fail("unknown command '%s'%s (test, replay, list)", command, "");
    if (argc >= 3 &&
        (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc < 3)
        return fail("%s needs a test binary%s", command, "");
    const char *binary = argv[2];
    if (access(binary, X_OK) != 0)
        return fail("cannot run %s: %s", binary, strerror(errno));
    if (!is_test_binary(binary))
        return fail("%s is not a weft test binary (link it with weft_main "
                    "and define tests with WEFT_TEST)%s",
                    binary, "");
    /* BINARY COMMAND ARGS... */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    args[0] = argv[2];
    args[1] = argv[1];
    for (int i = 3; i < argc; i++)
        args[i - 1] = argv[i];
    execv(binary, args);
    return fail("cannot run %s: %s", binary, strerror(errno));
}
