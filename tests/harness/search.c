/*
 * The searches of issue 15: pos and surw schedules replay byte for byte,
 * minimise, and are the same schedules however -j and --shard split the
 * work; surw:abreast, the default, finds the deep bugs among many
 * goroutines (bench/bugs/reorder.c and twostage.c at N = 20 and 50) within
 * 1,000 schedules, and reaches the philosophers' deadlock in a few; surw
 * finds the deep ones too.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "command.h"

#define WEFT_CMD WEFT_COMMAND
#define SET BUG_SET_BINARY

/* From the failing schedule's output to its replay line. */
static char *report_block(const char *output)
{
    const char *found = strstr(output, " found in schedule ");
    cr_assert(found, "%s", output);
    const char *start = strchr(found, '\n') + 1;
    const char *end = strchr(strstr(start, "    replay: "), '\n') + 1;
    return strndup(start, (size_t)(end - start));
}

/* From "found in schedule N" to the "FAIL  " line: which schedule failed,
 * its report, replay line and minimised listing. */
static void failure_identity(const char *output, char *out, size_t size)
{
    const char *found = strstr(output, "found in schedule");
    const char *end = found ? strstr(found, "\nFAIL  ") : NULL;
    cr_assert(found && end, "%s", output);
    snprintf(out, size, "%.*s", (int)(end - found), found);
}

/* Finds reorder_5's bug with strategy, expects its verdict and a
 * minimised schedule, then replays it: the same report, byte for byte. */
static void found_minimised_and_replayed(const char *strategy)
{
    struct command_result found, replayed;
    run(&found,
        WEFT_CMD " test " SET " reorder_5 --no-lock-order --strategy %s "
                 "--seed 3",
        strategy);
    cr_assert_eq(found.status, 1, "%s", found.output);
    cr_assert(strstr(found.output, "FAIL  reorder_5: assertion failed\n"),
              "%s", found.output);
    char want[64];
    snprintf(want, sizeof want, "    strategy %s, seed 0x", strategy);
    cr_assert(strstr(found.output, want), "%s", found.output);
    /* minimised, to no more preemptions than the schedule found had */
    const char *line = strstr(found.output, want);
    const char *minimised = strstr(found.output, "--- minimised to ");
    cr_assert(line && minimised, "%s", found.output);
    unsigned long steps, before, after;
    cr_assert_eq(sscanf(strstr(line, ", ") + 2, "%*[^,], %lu steps, %lu",
                        &steps, &before),
                 2, "%s", line);
    cr_assert_eq(sscanf(minimised, "--- minimised to %lu", &after), 1);
    cr_assert_leq(after, before, "%s", found.output);
    char *block = report_block(found.output);
    const char *replay = strstr(block, "replay: weft ") + strlen("replay: weft ");
    run(&replayed, WEFT_CMD " %.*s", (int)strcspn(replay, "\n"), replay);
    cr_assert_eq(replayed.status, 1, "%s", replayed.output);
    cr_assert_str_eq(replayed.output, block);
    free(block);
}

Test(search, pos_schedule_is_minimised_and_replays_byte_for_byte)
{
    found_minimised_and_replayed("pos");
}

Test(search, surw_schedule_is_minimised_and_replays_byte_for_byte)
{
    found_minimised_and_replayed("surw");
}

Test(search, surw_abreast_schedule_is_minimised_and_replays_byte_for_byte)
{
    found_minimised_and_replayed("surw:abreast");
}

/* -j 2 finds the schedule one process finds, and so does the shard that
 * owns its index: the same report and minimised listing, from a schedule
 * past the first (so the other worker's and shard's share mattered). */
static void same_schedule_however_split(const char *strategy)
{
    const char *test = WEFT_CMD " test " SET " twostage_5 --no-lock-order "
                                "--seed 11 --strategy ";
    static struct command_result single, jobs, shards[2];
    static char a[1 << 14], b[1 << 14];
    run(&single, "%s%s", test, strategy);
    run(&jobs, "%s%s -j 2", test, strategy);
    failure_identity(single.output, a, sizeof a);
    failure_identity(jobs.output, b, sizeof b);
    cr_assert_str_eq(a, b);
    unsigned long number = strtoul(a + strlen("found in schedule "), NULL, 10);
    cr_assert_gt(number, 2, "%s", a);
    for (int i = 0; i < 2; i++)
        run(&shards[i], "%s%s --shard %d/2", test, strategy, i);
    failure_identity(shards[(number - 1) % 2].output, b, sizeof b);
    cr_assert_str_eq(a, b);
}

Test(search, pos_finds_the_same_schedule_under_jobs_and_shards)
{
    same_schedule_however_split("pos");
}

Test(search, surw_finds_the_same_schedule_under_jobs_and_shards)
{
    same_schedule_however_split("surw");
}

Test(search, surw_abreast_finds_the_same_schedule_under_jobs_and_shards)
{
    same_schedule_however_split("surw:abreast");
}

/* Two runs of one seed print the same, byte for byte. */
static void same_seed_same_output(const char *strategy)
{
    static struct command_result first, second;
    const char *test = WEFT_CMD " test " SET " lazy_init --seed 5 --strategy ";
    run(&first, "%s%s", test, strategy);
    run(&second, "%s%s", test, strategy);
    cr_assert_eq(first.status, 1, "%s", first.output);
    cr_assert_str_eq(first.output, second.output);
}

Test(search, same_seed_same_pos_output)
{
    same_seed_same_output("pos");
}

Test(search, same_seed_same_surw_output)
{
    same_seed_same_output("surw");
}

Test(search, same_seed_same_surw_abreast_output)
{
    same_seed_same_output("surw:abreast");
}

Test(search, surw_finds_reorder_20_within_1000_schedules)
{
    struct command_result r;
    run(&r, WEFT_CMD " test " SET " reorder_20 --no-lock-order --seed 1 "
                     "--iterations 1000 --strategy surw");
    cr_assert_eq(r.status, 1, "%s", r.output);
    cr_assert(strstr(r.output, "FAIL  reorder_20: assertion failed\n"), "%s",
              r.output);
    /* a pure function of the seed: schedule 2 */
    cr_assert(strstr(r.output, "weft: reorder_20: assertion failed found in "
                               "schedule 2\n"),
              "%s", r.output);
    cr_assert(strstr(r.output, "    strategy surw, seed 0x"), "%s", r.output);
}

/* Searches one bug of the set with the options given and wants it found
 * in the given schedule (a pure function of the seed). */
static void finds(const char *test, const char *options, const char *strategy,
                  const char *schedule)
{
    static struct command_result r;
    run(&r, WEFT_CMD " test " SET " %s --no-lock-order --seed 1 %s", test,
        options);
    cr_assert_eq(r.status, 1, "%s", r.output);
    char want[256];
    snprintf(want, sizeof want,
             "weft: %s: assertion failed found in schedule %s\n", test,
             schedule);
    cr_assert(strstr(r.output, want), "want %s in:\n%s", want, r.output);
    snprintf(want, sizeof want, "    strategy %s, seed 0x", strategy);
    cr_assert(strstr(r.output, want), "want %s in:\n%s", want, r.output);
}

/* The default portfolio (surw:abreast alone, docs/search.md) finds the
 * deepest bugs of the set within the default budget of 1,000 schedules. */
Test(search, default_finds_reorder_50_and_twostage_50_within_1000_schedules)
{
    finds("reorder_50", "", "surw:abreast", "5");
    finds("twostage_50", "", "surw:abreast", "259");
}

/* surw finds them too (docs/search.md: its median over the set is 14.5
 * where surw:abreast's is 6.5). */
Test(search, surw_finds_reorder_50_and_twostage_50)
{
    /* schedule 44 for both, whose goroutines pass the same scheduling
     * points in the same order */
    finds("reorder_50", "--strategy surw", "surw", "44");
    finds("twostage_50", "--strategy surw", "surw", "44");
}

/* Half of surw:abreast's schedules walk abreast: every philosopher takes
 * a left fork before any takes a right one, so the deadlock itself is
 * reached, with no lock-order check to point at it. */
Test(search, surw_abreast_reaches_the_philosophers_deadlock_in_a_few_schedules)
{
    struct command_result r;
    run(&r, WEFT_CMD " test " SET " philosophers_8 --no-lock-order --seed 1 "
                     "--strategy surw:abreast");
    cr_assert_eq(r.status, 1, "%s", r.output);
    /* a pure function of the seed: schedule 2 */
    cr_assert(strstr(r.output, "weft: philosophers_8: deadlock found in "
                               "schedule 2\n"),
              "%s", r.output);
    cr_assert(strstr(r.output, "    strategy surw:abreast, seed 0x"), "%s",
              r.output);
}
