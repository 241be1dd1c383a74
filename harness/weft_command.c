/*
 * The `weft` command: checks its arguments and hands them to the test
 * binary's own runner (weft_test_main), which does the work in-process.
 *     weft test BINARY [TEST...] [options]
 *     weft replay BINARY --test T (--seed S | --schedule STRING | ...)
 *     weft list BINARY
 *     weft test|replay --pthread PROGRAM [options] [-- ARGS...]
 * --pthread runs an ordinary program linked with libweft (or preloading
 * it): its main becomes the one test, "main" (harness/pthread_program.c).
 * Exit status: 0 clean, 1 a bug found, 2 a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: weft test BINARY [TEST...] [--strategy S] [--iterations N | --time "
    "D]\n"
    "                 [--seed S] [-j N] [--shard I/N] [--junit FILE]\n"
    "                 [--trace FILE] [--max-steps N] [--keep-going]\n"
    "                 [--preempt-on-access] [--no-lock-order]\n"
    "                 [--isolation persistent|fork] [--verbose]\n"
    "       weft replay BINARY --test T (--seed S [--strategy S] |\n"
    "                 --schedule STRING | --schedule-file FILE)\n"
    "       weft list BINARY\n"
    "       weft test --pthread PROGRAM [options] [-- ARGS...]\n"
    "       weft replay --pthread PROGRAM --test main (--seed S [--strategy S] |\n"
    "                 --schedule STRING | --schedule-file FILE) [-- ARGS...]\n";

static int fail(const char *format, const char *a, const char *b)
{
    fputs("weft: ", stderr);
    fprintf(stderr, format, a, b);
    fputc('\n', stderr);
    return 2;
}

/* A test binary answers within this long (a script that sleeps must not
 * hang weft). */
enum { HANDSHAKE_TIMEOUT_MS = 5000 };

enum handshake {
    HANDSHAKE_OK,
    HANDSHAKE_NOT_TEST_BINARY,
    HANDSHAKE_NO_TESTS,
    HANDSHAKE_TIMED_OUT,
};

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Reads pipe_fd to its end or the deadline; false past the deadline. */
static bool read_until(int pipe_fd, char *answer, size_t size,
                       int64_t deadline_ms)
{
    size_t length = 0;
    for (;;) {
        int64_t left = deadline_ms - monotonic_ms();
        struct pollfd p = {pipe_fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) == 0)
            return false;
        char scratch[256];
        bool full = length + 1 >= size;
        ssize_t n = read(pipe_fd, full ? scratch : answer + length,
                         full ? sizeof scratch : size - 1 - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;
        if (!full)
            length += (size_t)n;
    }
}

/* Waits for pid to exit by deadline_ms; false if it had not. */
static bool reaped_by(pid_t pid, int *status, int64_t deadline_ms)
{
    while (waitpid(pid, status, WNOHANG) == 0) {
        if (monotonic_ms() >= deadline_ms)
            return false;
        nanosleep(&(struct timespec){0, 10 * 1000000}, NULL);
    }
    return true;
}

/* Asks binary whether it is a weft test binary, and how many tests it
 * has; it must answer "weft test binary 1 tests N" and exit 0 in time. */
static enum handshake handshake(const char *binary)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return HANDSHAKE_NOT_TEST_BINARY;
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group: a timeout kills what it started */
        dup2(pipe_fds[1], STDOUT_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        close(pipe_fds[0]);
        execl(binary, binary, "--weft-handshake", (char *)NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    if (pid < 0) {
        close(pipe_fds[0]);
        return HANDSHAKE_NOT_TEST_BINARY;
    }
    setpgid(pid, pid);
    char answer[64] = {0};
    int64_t deadline = monotonic_ms() + HANDSHAKE_TIMEOUT_MS;
    int status = 0;
    bool answered = read_until(pipe_fds[0], answer, sizeof answer, deadline);
    close(pipe_fds[0]);
    if (!answered || !reaped_by(pid, &status, deadline)) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return HANDSHAKE_TIMED_OUT;
    }
    unsigned long tests = 0;
    int consumed = 0;
    if (sscanf(answer, "weft test binary 1 tests %lu\n%n", &tests, &consumed) !=
            1 ||
        consumed == 0 || answer[consumed] != '\0' || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return HANDSHAKE_NOT_TEST_BINARY;
    return tests ? HANDSHAKE_OK : HANDSHAKE_NO_TESTS;
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
    /* --pthread PROGRAM: the program's start hands it to the runner */
    bool pthread = argc >= 3 && strcmp(argv[2], "--pthread") == 0;
    if (pthread) {
        if (strcmp(command, "list") == 0)
            return fail("list has nothing to list for a pthread program%s%s",
                        "", "");
        setenv("WEFT_PTHREAD_PROGRAM", "1", 1);
        argv++;
        argc--;
    }
    if (argc < 3)
        return fail("%s needs a %s", command,
                    pthread ? "program" : "test binary");
    const char *binary = argv[2];
    if (access(binary, X_OK) != 0)
        return fail("cannot run %s: %s", binary, strerror(errno));
    switch (handshake(binary)) {
    case HANDSHAKE_OK:
        break;
    case HANDSHAKE_NOT_TEST_BINARY:
        if (pthread)
            return fail("%s does not run under weft (link it with libweft, "
                        "or preload libweft.so)%s",
                        binary, "");
        return fail("%s is not a weft test binary (link it with weft_main "
                    "and define tests with WEFT_TEST)%s",
                    binary, "");
    case HANDSHAKE_NO_TESTS:
        return fail("%s defines no tests (WEFT_TEST)%s", binary, "");
    case HANDSHAKE_TIMED_OUT:
        return fail("%s did not answer weft's handshake within %s", binary,
                    "5 s (is it a weft test binary?)");
    }
    /* BINARY COMMAND ARGS... */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    args[0] = argv[2];
    args[1] = (char *)command;
    for (int i = 3; i < argc; i++)
        args[i - 1] = argv[i];
    execv(binary, args);
    return fail("cannot run %s: %s", binary, strerror(errno));
}
