/*
 * Runs a shell command line (in the test binary's build folder, stderr
 * with stdout) and keeps its exit status and output, for the end-to-end
 * tests of `weft test` and `weft replay`.
 */
#ifndef WEFT_TESTS_COMMAND_H
#define WEFT_TESTS_COMMAND_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

struct command_result {
    int status; /* the exit status, or -1 */
    char output[1 << 17];
};

static inline void run(struct command_result *r, const char *format, ...)
{
    char command[4096];
    va_list args;
    va_start(args, format);
    int n = snprintf(command, sizeof command, "cd %s && ", TEST_BINARY_DIR);
    vsnprintf(command + n, sizeof command - (size_t)n, format, args);
    va_end(args);
    strcat(command, " 2>&1");
    FILE *pipe = popen(command, "r");
    size_t length = fread(r->output, 1, sizeof r->output - 1, pipe);
    r->output[length] = '\0';
    int status = pclose(pipe);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
