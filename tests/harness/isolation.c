/*
 * Isolation: under the schedule server (--isolation persistent, the
 * default) every schedule starts from the state a fresh fork has, and
 * exploring gives the verdicts, reports and failure counts that forking
 * each schedule gives, byte for byte. Runs
 * tests/harness/programs/isolation.c's binary, bugs.c's and races.c's
 * (built -fsanitize=thread: the detector's shadow is restored too).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "command.h"

/* Drops the durations ("(0.31 s)") a run prints: all else must match. */
static void drop_durations(char *text)
{
    char *out = text;
    for (const char *in = text; *in;) {
        const char *end = NULL;
        if (*in == '(') {
            const char *p = in + 1;
            while ((*p >= '0' && *p <= '9') || *p == '.')
                p++;
            if (p > in + 1 && strncmp(p, " s)", 3) == 0)
                end = p + 3;
        }
        if (end)
            in = end;
        else
            *out++ = *in++;
    }
    *out = '\0';
}

/* Runs `weft test binary arguments` in both isolations; expects status
 * from each and the same output. */
static void expect_same_in_both(const char *binary, const char *arguments,
                                int status)
{
    static struct command_result persistent, forked;
    run(&persistent, WEFT_COMMAND " test %s %s --isolation persistent", binary,
        arguments);
    run(&forked, WEFT_COMMAND " test %s %s --isolation fork", binary,
        arguments);
    cr_assert_eq(persistent.status, status, "%s", persistent.output);
    cr_assert_eq(forked.status, status, "%s", forked.output);
    drop_durations(persistent.output);
    drop_durations(forked.output);
    cr_assert_str_eq(persistent.output, forked.output);
}

static void expect_pass(const char *test, const char *options)
{
    struct command_result r;
    run(&r, WEFT_COMMAND " test " ISOLATION_BINARY " %s --iterations 300 %s",
        test, options);
    cr_assert_eq(r.status, 0, "%s", r.output);
    char line[256];
    snprintf(line, sizeof line, "ok    %s: 300 schedules, no failure", test);
    cr_assert(strstr(r.output, line), "want %s in:\n%s", line, r.output);
}

Test(isolation, a_global_counter_starts_at_zero_every_schedule)
{
    /* --verbose: a server that could not start or go back would say so */
    expect_pass("global_counter", "--verbose --isolation persistent");
    struct command_result r;
    run(&r, WEFT_COMMAND " test " ISOLATION_BINARY
                         " global_counter --iterations 50 --verbose"
                         " --isolation persistent");
    cr_assert_null(strstr(r.output, "fork"), "%s", r.output);
}

Test(isolation, a_leaked_block_is_gone_the_next_schedule)
{
    expect_pass("leaks_heap", "");
}

Test(isolation, a_kept_descriptor_means_a_fresh_fork_said_once)
{
    expect_pass("opens_a_file", "");
    struct command_result r;
    run(&r, WEFT_COMMAND " test " ISOLATION_BINARY
                         " opens_a_file --iterations 20 --verbose"
                         " --isolation persistent");
    cr_assert_eq(r.status, 0, "%s", r.output);
    const char *note = "weft: opens_a_file: a schedule opened or closed a "
                       "file descriptor; the next schedule starts from a "
                       "fresh fork\n";
    const char *at = strstr(r.output, note);
    cr_assert(at, "want %s in:\n%s", note, r.output);
    cr_assert_null(strstr(at + 1, note), "said twice:\n%s", r.output);
}

Test(isolation, without_verbose_nothing_is_said)
{
    struct command_result r;
    run(&r,
        WEFT_COMMAND " test " ISOLATION_BINARY " opens_a_file --iterations 20");
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_null(strstr(r.output, "fresh fork"), "%s", r.output);
}

Test(isolation, crashes_are_verdicts_and_the_count_matches_forks,
     .timeout = 300)
{
    static struct command_result r;
    run(&r, WEFT_COMMAND " test " ISOLATION_BINARY
                         " crashes_in_some_schedules --iterations 100 "
                         "--keep-going --strategy random");
    cr_assert_eq(r.status, 1, "%s", r.output);
    cr_assert(strstr(r.output, "weft: failing schedules: "), "%s", r.output);
    expect_same_in_both(ISOLATION_BINARY,
                        "crashes_in_some_schedules --iterations 100 "
                        "--keep-going --strategy random",
                        1);
    /* -j 2: each worker has its own server */
    expect_same_in_both(ISOLATION_BINARY,
                        "crashes_in_some_schedules --iterations 100 "
                        "--keep-going --strategy random -j 2",
                        1);
}

Test(isolation, reports_match_forks_byte_for_byte, .timeout = 600)
{
    static const char *tests[] = {
        "bank_lost_update",   "check_then_act",      "double_close",
        "missed_close_leaks", "dining_philosophers", "publish_before_data",
        "bank_one_mutex",
    };
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++)
        expect_same_in_both(BUGS_BINARY, tests[i],
                            strcmp(tests[i], "bank_one_mutex") == 0 ? 0 : 1);
}

Test(isolation, a_race_build_runs_in_the_server_too)
{
    /* its shadow is sparse: a server that could not snapshot it would
     * say that every schedule runs in a fork */
    struct command_result r;
    run(&r, WEFT_COMMAND " test " RACES_BINARY
                         " atomic_counter --iterations 100 --verbose"
                         " --isolation persistent");
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_null(strstr(r.output, "fork"), "%s", r.output);
}

Test(isolation, races_found_between_passes_match_forks, .timeout = 300)
{
    /* about half the schedules race: the shadow of a passing one must not
     * leak into the next */
    static struct command_result r;
    const char *arguments =
        "sometimes_racy --iterations 60 --keep-going --strategy random";
    run(&r, WEFT_COMMAND " test " RACES_BINARY " %s", arguments);
    cr_assert_eq(r.status, 1, "%s", r.output);
    cr_assert(strstr(r.output, "WARNING: DATA RACE"), "%s", r.output);
    const char *list = strstr(r.output, "weft: failing schedules: ");
    cr_assert(list, "%s", r.output);
    expect_same_in_both(RACES_BINARY, arguments, 1);
}

Test(isolation, weft_isolation_fork_in_the_environment_forks_each_schedule)
{
    struct command_result r;
    /* in forks there is no server to replace: nothing to say */
    run(&r, "WEFT_ISOLATION=fork " WEFT_COMMAND " test " ISOLATION_BINARY
            " opens_a_file --iterations 20 --verbose");
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert_null(strstr(r.output, "fresh fork"), "%s", r.output);
    run(&r, "WEFT_ISOLATION=threads " WEFT_COMMAND " test " ISOLATION_BINARY
            " opens_a_file");
    cr_assert_eq(r.status, 2, "%s", r.output);
    cr_assert(strstr(r.output, "weft: WEFT_ISOLATION expects persistent or "
                               "fork, not 'threads'\n"),
              "%s", r.output);
    /* an explicit choice wins over the environment */
    run(&r, "WEFT_ISOLATION=fork " WEFT_COMMAND " test " ISOLATION_BINARY
            " opens_a_file --iterations 20 --verbose --isolation persistent");
    cr_assert_eq(r.status, 0, "%s", r.output);
    cr_assert(strstr(r.output, "fresh fork"), "%s", r.output);
}
