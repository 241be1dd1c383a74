/* The bank sample, as its README says: the bug is found with a seed that
 * replays it and minimised to one preemption; the fix passes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static int run(const char *command, char *output, size_t size)
{
    FILE *pipe = popen(command, "r");
    size_t n = fread(output, 1, size - 1, pipe);
    output[n] = '\0';
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(samples, bank_check_then_act_is_found_minimised_and_replayed)
{
    static char found[65536], replayed[65536];
    int status =
        run(WEFT_COMMAND " test " BANK_BINARY " 2>&1", found, sizeof found);
    cr_assert_eq(status, 1, "%s", found);
    cr_assert(strstr(found, "ok    check_and_act_atomically: 1000 schedules"),
              "%s", found);
    cr_assert(strstr(found, "assertion failed: account.balance >= 0: balance "
                            "went negative: -60\n"),
              "%s", found);
    cr_assert(strstr(found, "--- minimised to 1 preemption, "), "%s", found);
    const char *replay = strstr(found, "replay: weft replay ");
    cr_assert(replay);
    char command[1024];
    snprintf(command, sizeof command, "%s %.*s 2>&1", WEFT_COMMAND,
             (int)strcspn(replay + 13, "\n"), replay + 13);
    cr_assert_eq(run(command, replayed, sizeof replayed), 1);
    cr_assert(strstr(found, replayed), "replay:\n%s", replayed);
}

Test(samples, bookcache_race_is_reported_with_both_stacks)
{
    static char found[65536];
    int status = run(WEFT_COMMAND " test " BOOKCACHE_BINARY " 2>&1", found,
                     sizeof found);
    cr_assert_eq(status, 1, "%s", found);
    cr_assert(strstr(found, "ok    rwmutex_cache: 1000 schedules"), "%s",
              found);
    cr_assert(strstr(found, "FAIL  unguarded_cache: data race\n"), "%s", found);
    cr_assert(strstr(found, "WARNING: DATA RACE\n"));
    cr_assert(strstr(found, "  query_database() "), "%s", found);
    cr_assert(strstr(found, "  query_cache() "), "%s", found);
    cr_assert(strstr(found, "  access: mov "), "%s", found);
    cr_assert(strstr(found, " created at:\n  weft_test_body_unguarded_cache() "),
              "%s", found);
}
