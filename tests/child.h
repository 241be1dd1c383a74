/*
 * Runs a scenario in a child process and captures what it printed, for
 * tests of behaviour that ends the process (panics, deadlocks).
 */
#ifndef WEFT_TESTS_CHILD_H
#define WEFT_TESTS_CHILD_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct child_result {
    int exit_status;    /* -1: killed by a signal */
    int signal;         /* the signal that killed it, or 0 */
    char output[16384]; /* stdout and stderr together */
};

static inline void child_run(void (*scenario)(void), struct child_result *r)
{
    FILE *capture = tmpfile();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* reports name files relative to the working directory */
        if (chdir(WEFT_SOURCE_DIR) != 0)
            _exit(99);
        dup2(fileno(capture), 1);
        dup2(fileno(capture), 2);
        scenario();
        fflush(NULL);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    rewind(capture);
    size_t n = fread(r->output, 1, sizeof r->output - 1, capture);
    r->output[n] = '\0';
    fclose(capture);
}

/* Runs scenario in a child and asserts it exits with status, its output
 * starting with prefix (a panic's message and first frame, say). */
static inline void child_expect_start(void (*scenario)(void), int status,
                                      const char *prefix)
{
    struct child_result r;
    child_run(scenario, &r);
    cr_assert_eq(r.exit_status, status, "%s", r.output);
    cr_assert(strncmp(r.output, prefix, strlen(prefix)) == 0,
              "want it to start with:\n%s\ngot:\n%s", prefix, r.output);
}

#endif
