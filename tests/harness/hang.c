/*
 * Hangs: every way a test can fail to end gets a hang verdict after a
 * bounded amount of work, with every goroutine's stack, and the listing of
 * its minimised schedule stays short. Runs tests/harness/programs/hangs.c's
 * binary, and a spinning test of its own through weft_explore (the only way
 * to give a schedule a short time limit).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <weft.h>

#include "report_lines.h"

#define HANGS_SOURCE WEFT_SOURCE_DIR "/tests/harness/programs/hangs.c"
#define THIS_SOURCE WEFT_SOURCE_DIR "/tests/harness/hang.c"

static char *run(const char *arguments)
{
    char command[2048];
    snprintf(command, sizeof command, "cd %s && %s test %s %s 2>&1",
             TEST_BINARY_DIR, WEFT_COMMAND, HANGS_BINARY, arguments);
    FILE *pipe = popen(command, "r");
    char *output = calloc(1, 1 << 20);
    size_t length = fread(output, 1, (1 << 20) - 1, pipe);
    output[length] = '\0';
    int status = pclose(pipe);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", output);
    return output;
}

static size_t lines_between(const char *from, const char *to)
{
    size_t lines = 0;
    for (; from < to; from++)
        lines += *from == '\n';
    return lines;
}

/* The minimised listing: its step lines, which must be few. */
static void expect_short_listing(const char *output)
{
    const char *listing = strstr(output, "--- minimised to 0 preemptions (a "
                                         "hang: ");
    cr_assert(listing, "%s", output);
    const char *end = strstr(listing, "FAIL  ");
    cr_assert(end, "%s", listing);
    cr_assert_leq(lines_between(listing, end), 104, "%s", listing);
    cr_assert(strstr(listing, "; its first 100 steps:\n"), "%s", listing);
    cr_assert(strstr(listing, "    ... (and so on, past the limit)\n"), "%s",
              listing);
}

Test(hang, a_livelock_is_a_hang_with_every_goroutine_stack)
{
    /* random preempts (surw, the default, only yields here): minimising
     * it has a candidate to run */
    char *output =
        run("livelock_of_three_yielders --max-steps 10000 --strategy random");
    struct expected_lines e = {0};
    expect_line(&e, "...");
    int yield = source_line(HANGS_SOURCE, "livelock_yield");
    const char *file = HANGS_SOURCE; /* not under the working directory */
    expect_line(&e, "hang: the schedule exceeded 10000 steps (a livelock, or "
                    "raise --max-steps)");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine *");
    expect_line(&e, "  yield_forever() %s:%d", file, yield);
    expect_line(&e, "...");
    expect_line(&e, "goroutine *");
    expect_line(&e, "  yield_forever() %s:%d", file, yield);
    expect_line(&e, "...");
    expect_line(&e, "goroutine *");
    expect_line(&e, "  yield_forever() %s:%d", file, yield);
    expect_line(&e, "...");
    expect_line(&e, "--- hang in livelock_of_three_yielders");
    expect_line(&e, "    strategy random, seed 0x*");
    expect_line(&e, "...");
    assert_lines(output, &e);
    cr_assert(strstr(output, ", 10000 steps, "), "%s", output);
    /* the schedule with no preemption livelocks too: one candidate */
    cr_assert(strstr(output, "--- minimised to 0 preemptions (a hang: 1 of "
                             "at most 4 candidate runs, "),
              "%s", output);
    expect_short_listing(output);
    free(output);
}

Test(hang, a_lone_yield_loop_counts_its_steps)
{
    char *output = run("lone_yield_loop --max-steps 1000");
    struct expected_lines e = {0};
    expect_line(&e, "...");
    expect_line(&e, "hang: the schedule exceeded 1000 steps (a livelock, or "
                    "raise --max-steps)");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 1 [running]:");
    expect_line(&e, "  weft_test_body_lone_yield_loop() "
                    "%s:%d",
                HANGS_SOURCE, source_line(HANGS_SOURCE, "lone_yield"));
    expect_line(&e, "--- hang in lone_yield_loop");
    expect_line(&e, "    strategy surw:abreast, seed 0x*");
    expect_line(&e, "...");
    assert_lines(output, &e);
    cr_assert(strstr(output, ", 1000 steps, 0 preemptions\n"), "%s", output);
    /* nothing to take away: no candidate run */
    cr_assert(strstr(output, "(a hang: 0 of at most 4 candidate runs"), "%s",
              output);
    expect_short_listing(output);
    free(output);
}

Test(hang, a_goroutine_left_running_after_the_test_is_named)
{
    char *output = run("poller_outlives_the_test --max-steps 10000");
    struct expected_lines e = {0};
    expect_line(&e, "...");
    expect_line(&e, "hang: the schedule exceeded 10000 steps (a livelock, or "
                    "raise --max-steps)");
    expect_line(&e, "hang: the test returned, but goroutine 2 kept running "
                    "after it: a goroutine that neither ends nor blocks (a "
                    "poller, a ticker) must be stopped before the test "
                    "returns");
    expect_line(&e, "...");
    expect_line(&e, "goroutine 2 *");
    expect_line(&e, "  poll_forever() %s:%d", HANGS_SOURCE,
                source_line(HANGS_SOURCE, "poller"));
    expect_line(&e, "created by goroutine 1 at:");
    expect_line(&e, "  weft_test_body_poller_outlives_the_test() %s:%d",
                HANGS_SOURCE, source_line(HANGS_SOURCE, "poller_go"));
    expect_line(&e, "%s", "");
    /* the test's goroutine, its body returned */
    expect_line(&e, "goroutine 1 [runnable]:");
    expect_line(&e, "  (in weft's own code: no frame of the program)");
    expect_line(&e, "--- hang in poller_outlives_the_test");
    expect_line(&e, "...");
    assert_lines(output, &e);
    free(output);
}

/* ---- a goroutine spinning with no weft call: the time limit's signal ---- */

static volatile bool stop_spinning;

static void spin(void *arg)
{
    (void)arg;
    while (!stop_spinning) /* @spin */
        ;
}

static void wait_forever(void *arg)
{
    weft_chan_recv(arg, NULL); /* @spin_waiter */
}

static void spinning_test(void)
{
    weft_chan *never = weft_chan_make(sizeof(int), 0);
    weft_go(wait_forever, never);
    weft_go(spin, NULL);
    weft_yield();
    spin(NULL);
}

Test(hang, a_spinning_goroutine_is_stopped_with_every_goroutine_stack)
{
    cr_assert_eq(chdir(WEFT_SOURCE_DIR), 0); /* reports name files from here */
    char *report = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&report, &size);
    struct weft_explore_options options = {
        /* random lets goroutine 2 block before the spin (surw, the
         * default, spins first): a blocked stack is listed too */
        .strategy = "random",
        .iterations = 1,
        .schedule_timeout_ns = 300 * WEFT_MILLISECOND,
        .report_file = out,
        .test_name = "spinning",
    };
    struct weft_verdict v = weft_explore(spinning_test, &options);
    fclose(out);
    cr_assert_eq(v.kind, WEFT_HANG, "%s", report);
    const char *file = "tests/harness/hang.c";
    struct expected_lines e = {0};
    expect_line(&e, "...");
    expect_line(&e, "hang: the schedule exceeded its time limit (0.3 s)");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine *");
    expect_line(&e, "  spin() %s:%d", file, source_line(THIS_SOURCE, "spin"));
    expect_line(&e, "...");
    expect_line(&e, "goroutine 2 [chan receive]:");
    expect_line(&e, "  wait_forever() %s:%d", file,
                source_line(THIS_SOURCE, "spin_waiter"));
    expect_line(&e, "...");
    expect_line(&e, "--- hang in spinning");
    expect_line(&e, "...");
    assert_lines(report, &e);
    /* its own report, not the parent's kill */
    cr_assert_null(strstr(report, "killed"), "%s", report);
    free(report);
}
