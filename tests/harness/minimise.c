/*
 * The minimised schedule's listing (harness/minimise.c): each step says
 * what its operation did, in the order things happened, and the counts in
 * the headers agree. Runs tests/harness/programs/bugs.c's binary.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char *weft(const char *arguments)
{
    char command[2048];
    snprintf(command, sizeof command, "cd %s && %s %s 2>&1", TEST_BINARY_DIR,
             WEFT_COMMAND, arguments);
    FILE *pipe = popen(command, "r");
    char *output = calloc(1, 1 << 20);
    size_t length = fread(output, 1, (1 << 20) - 1, pipe);
    output[length] = '\0';
    int status = pclose(pipe);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", output);
    return output;
}

static const char *listing(const char *output)
{
    const char *block = strstr(output, "--- minimised to ");
    cr_assert(block, "%s", output);
    return block;
}

static size_t occurrences(const char *text, const char *piece)
{
    size_t count = 0;
    for (const char *at = text; (at = strstr(at, piece)); at++)
        count++;
    return count;
}

Test(minimise, waitgroup_done_is_listed_as_done)
{
    char *output = weft("test " BUGS_BINARY " bank_lost_update");
    const char *block = listing(output);
    cr_assert(strstr(block, " waitgroup done wg#1 @ "), "%s", block);
    /* the only Add is the test's own */
    const char *add = strstr(block, " waitgroup add ");
    cr_assert(add && !strstr(add + 1, " waitgroup add "), "%s", block);
    free(output);
}

Test(minimise, a_preempted_lock_is_listed_where_it_acquires)
{
    /* random's minimised schedule preempts g2 at a lock (the default's,
     * surw's, at an unlock): pinned, as the listing of a lock is the point */
    char *output =
        weft("test " BUGS_BINARY " bank_lost_update --strategy random");
    const char *block = listing(output);
    /* the one preemption: g2 is switched out at its second lock, which
     * it acquires only after g3 has run */
    const char *preempted =
        strstr(block, "    g2 is preempted before mutex lock mutex#2 @ ");
    cr_assert(preempted, "%s", block);
    const char *other = strstr(preempted, "    g3 acquires mutex#3 @ ");
    cr_assert(other, "%s", block);
    cr_assert(strstr(other, "    g2 acquires mutex#2 @ "), "%s", block);
    cr_assert(strstr(block, "    g2 releases mutex#2 @ "), "%s", block);
    /* a lock is named bare only where its goroutine was switched out */
    cr_assert_eq(occurrences(block, " mutex lock mutex#"),
                 occurrences(block, " is preempted before mutex lock mutex#"),
                 "%s", block);
    free(output);
}

Test(minimise, a_lock_that_waits_is_listed_as_blocking)
{
    char *output = weft("test " BUGS_BINARY " dining_philosophers --strategy "
                        "dfs:2");
    const char *block = listing(output);
    cr_assert(strstr(block, " blocks on mutex#"), "%s", block);
    cr_assert(strstr(block, " (mutex lock) @ "), "%s", block);
    free(output);
}

/* "N steps" after prefix in text. */
static unsigned steps_after(const char *text, const char *prefix)
{
    const char *at = strstr(text, prefix);
    cr_assert(at, "no \"%s\" in:\n%s", prefix, text);
    const char *steps = strstr(at, " steps");
    while (steps > at && steps[-1] >= '0' && steps[-1] <= '9')
        steps--;
    return (unsigned)strtoul(steps, NULL, 10);
}

Test(minimise, a_schedule_that_needs_no_change_keeps_its_step_count)
{
    /* dfs finds it with its one preemption: nothing to take away; its
     * last points come after the last choice, and count in both headers */
    char *output = weft("test " BUGS_BINARY " double_close --strategy dfs:2");
    unsigned found = steps_after(output, "    strategy dfs:1, seed 0x0, ");
    unsigned minimised = steps_after(output, "--- minimised to 1 preemption, ");
    cr_assert_gt(found, 0, "%s", output);
    cr_assert_eq(found, minimised, "%s", output);
    free(output);
}

Test(minimise, a_replay_names_the_strategy_it_was_given_and_no_other)
{
    char *output = weft("test " BUGS_BINARY " publish_before_data --strategy "
                        "dfs:1");
    const char *schedule = strstr(output, "    schedule v1:");
    cr_assert(schedule, "%s", output);
    char string[256];
    snprintf(string, sizeof string, "%.*s",
             (int)strcspn(schedule + 13, "\n"), schedule + 13);
    char arguments[1024];
    snprintf(arguments, sizeof arguments,
             "replay " BUGS_BINARY " --test publish_before_data --strategy "
             "dfs:1 --schedule '%s'",
             string);
    char *given = weft(arguments);
    cr_assert(strstr(given, "    strategy dfs:1, "), "%s", given);
    snprintf(arguments, sizeof arguments,
             "replay " BUGS_BINARY " --test publish_before_data --schedule "
             "'%s'",
             string);
    char *bare = weft(arguments);
    cr_assert_null(strstr(bare, "dfs:0"), "%s", bare);
    cr_assert(strstr(bare, "    replayed schedule, "), "%s", bare);
    free(bare);
    free(given);
    free(output);
}
