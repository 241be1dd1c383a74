/*
 * End-to-end runs of a sample (SAMPLE, its binary) and of the weft command
 * (WEFT_COMMAND), for tests that check what the sample's README says: the
 * verdicts, the reports, and that each printed replay command replays.
 */
#ifndef WEFT_TESTS_SAMPLE_TEST_H
#define WEFT_TESTS_SAMPLE_TEST_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

struct run {
    int status;           /* exit status, -1 if killed */
    char output[1 << 20]; /* stdout and stderr together */
};

/* Runs a shell command; large, so callers keep it static. */
__attribute__((format(printf, 2, 3))) static inline void
run_command(struct run *r, const char *format, ...)
{
    char command[4096];
    va_list args;
    va_start(args, format);
    vsnprintf(command, sizeof command - 8, format, args);
    va_end(args);
    strcat(command, " 2>&1");
    FILE *pipe = popen(command, "r");
    cr_assert(pipe, "cannot run %s", command);
    size_t n = fread(r->output, 1, sizeof r->output - 1, pipe);
    r->output[n] = '\0';
    int status = pclose(pipe);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* `weft test SAMPLE args`. */
static inline void weft_test_sample(struct run *r, const char *args)
{
    run_command(r, "%s test %s %s", WEFT_COMMAND, SAMPLE, args);
}

#define expect_output(r, text)                                                 \
    cr_assert(strstr((r)->output, (text)), "want \"%s\" in:\n%s", (text),      \
              (r)->output)

/* A test's report, from the line after "weft: TEST: ... found in schedule N"
 * to its "    replay: " line: what the replay command must print again. */
static inline char *report_of(const struct run *r, const char *test)
{
    char start_marker[256];
    snprintf(start_marker, sizeof start_marker, "weft: %s: ", test);
    const char *start = strstr(r->output, start_marker);
    cr_assert(start, "no report for %s in:\n%s", test, r->output);
    start = strchr(start, '\n') + 1;
    const char *replay = strstr(start, "    replay: ");
    cr_assert(replay, "no replay line for %s in:\n%s", test, r->output);
    return strndup(start, (size_t)(strchr(replay, '\n') + 1 - start));
}

/* Runs the replay command printed for test: the same exit status and the
 * same report, byte for byte (heap addresses included: a schedule's heap
 * depends only on the schedule, support/heap.h). */
static inline void expect_replays(const struct run *found, const char *test)
{
    char *report = report_of(found, test);
    const char *command = strstr(report, "replay: weft ") + strlen("replay: ");
    int length = (int)strcspn(command + strlen("weft"), "\n");
    static struct run replayed;
    run_command(&replayed, "%s%.*s", WEFT_COMMAND, length,
                command + strlen("weft"));
    cr_assert_eq(replayed.status, 1, "%s", replayed.output);
    cr_assert(strstr(replayed.output, report), "want:\n%s\nreplay printed:\n%s",
              report, replayed.output);
    free(report);
}

#endif
