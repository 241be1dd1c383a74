/*
 * The test runner forks every schedule from itself, so what it keeps is
 * copied into each fork: after a failure minimised through schedules that
 * ran to the step limit, it must be as small as before (issue 19; it grew
 * to 250 MB and every later test ran ten times slower). The memory is
 * checked by the program's last test, which reads its parent's /proc
 * status (tests/harness/programs/long_schedules.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static int run(const char *command, char *output, size_t size)
{
    FILE *pipe = popen(command, "r");
    cr_assert(pipe);
    size_t length = fread(output, 1, size - 1, pipe);
    output[length] = '\0';
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(parent_memory, runner_stays_small_after_minimising_through_long_schedules)
{
    static char output[65536];
    /* random's schedule is known to minimise through schedules that spin
     * to the step limit: pinned, as the default's may take another path */
    int status = run(WEFT_COMMAND " test " LONG_SCHEDULES_BINARY
                                  " --iterations 10 --strategy random 2>&1",
                     output, sizeof output);
    cr_assert_eq(status, 1, "%s", output);
    cr_assert(strstr(output, "FAIL  relaxed_flag_race: data race\n"), "%s",
              output);
    /* the minimising that ran schedules to the step limit */
    cr_assert(strstr(output, "--- minimised to 1 preemption, "), "%s", output);
    cr_assert(strstr(output, "ok    runner_memory_stays_small: 10 schedules"),
              "%s", output);
}
