/*
 * The runner's command line, end to end: --flag=value as --flag value,
 * several --test names, and one trace file per failing test. (Bad command
 * lines are tests/badinput's.) Runs tests/harness/programs/bugs.c's binary.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct command_result {
    int status;
    char output[65536];
};

static void run(struct command_result *r, const char *command)
{
    char line[4096];
    snprintf(line, sizeof line, "cd %s && %s 2>&1", TEST_BINARY_DIR, command);
    FILE *pipe = popen(line, "r");
    size_t length = fread(r->output, 1, sizeof r->output - 1, pipe);
    r->output[length] = '\0';
    int status = pclose(pipe);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define BUGS " " BUGS_BINARY " "

Test(command_line, flag_equals_value_is_flag_space_value)
{
    struct command_result joined, apart;
    run(&joined, WEFT_COMMAND " test" BUGS "double_close --seed=99 "
                              "--iterations=50 --strategy=pct:2");
    run(&apart, WEFT_COMMAND " test" BUGS "double_close --seed 99 "
                             "--iterations 50 --strategy pct:2");
    cr_assert_eq(joined.status, 1, "%s", joined.output);
    cr_assert_str_eq(joined.output, apart.output);
}

Test(command_line, several_test_flags_run_each_test)
{
    struct command_result r;
    run(&r, WEFT_COMMAND " test" BUGS "--test bank_one_mutex --test "
                         "double_close --iterations=20");
    cr_assert_eq(r.status, 1, "%s", r.output);
    cr_assert(strstr(r.output, "=== RUN   bank_one_mutex\n"), "%s", r.output);
    cr_assert(strstr(r.output, "=== RUN   double_close\n"), "%s", r.output);
    cr_assert(strstr(r.output, "FAIL: 1 of 2 tests failed\n"), "%s", r.output);
}

Test(command_line, trace_names_one_file_per_test)
{
    struct command_result r;
    unlink(TEST_BINARY_DIR "/several.double_close.json");
    unlink(TEST_BINARY_DIR "/several.bank_lost_update.json");
    unlink(TEST_BINARY_DIR "/several.bank_one_mutex.json");
    run(&r, WEFT_COMMAND " test" BUGS "double_close bank_lost_update "
                         "bank_one_mutex --iterations 100 --trace "
                         "several.json");
    cr_assert_eq(r.status, 1, "%s", r.output);
    cr_assert(strstr(r.output, "    trace: several.double_close.json "), "%s",
              r.output);
    cr_assert(strstr(r.output, "    trace: several.bank_lost_update.json "),
              "%s", r.output);
    cr_assert_eq(access(TEST_BINARY_DIR "/several.double_close.json", R_OK), 0);
    cr_assert_eq(access(TEST_BINARY_DIR "/several.bank_lost_update.json", R_OK),
                 0);
    /* it passed: no trace, and no file left by the check of the path */
    cr_assert_neq(access(TEST_BINARY_DIR "/several.bank_one_mutex.json", F_OK),
                  0);
}
