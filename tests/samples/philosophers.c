/* The dining philosophers sample, as its README says: the default walks
 * the philosophers abreast into the deadlock in its first schedule, which
 * replays; under surw the lock-order cycle is reported, then confirmed by
 * a schedule that deadlocks and replays; the lower-fork-first version
 * passes. */
#include "report_lines.h"
#include "sample_test.h"

Test(samples, philosophers_deadlock_is_found_at_once_and_replayed)
{
    static struct run found;
    weft_test_sample(&found, "");
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "weft: left_fork_first: deadlock found in "
                          "schedule 1\n");
    expect_output(&found, "fatal error: all goroutines are asleep - "
                          "deadlock!\n");
    expect_output(&found, "--- deadlock in left_fork_first\n"
                          "    strategy surw:abreast, seed 0x");
    expect_output(&found, "FAIL  left_fork_first: deadlock\n");
    expect_output(&found, "ok    lower_fork_first: 1000 schedules");
    expect_replays(&found, "left_fork_first");
}

Test(samples, philosophers_cycle_is_reported_confirmed_and_replayed)
{
    static struct run found, replayed;
    /* from the source tree, so reports name files as the README does */
    run_command(&found, "cd %s && %s test %s --strategy surw", WEFT_SOURCE_DIR,
                WEFT_COMMAND, SAMPLE);
    cr_assert_eq(found.status, 1, "%s", found.output);
    const char *lines[] = {
        "weft: left_fork_first: potential deadlock found in schedule 1\n",
        "WARNING: POTENTIAL DEADLOCK (lock-order inversion)\n"
        "Cycle in lock order: mutex#",
        /* five forks, five edges, each taken at the second lock */
        " locked while holding mutex#",
        "  dine() samples/philosophers/main.c:53\n",
        " was taken before, by the same goroutine:\n"
        "  dine() samples/philosophers/main.c:52\n",
        "    confirmed: seed 0x",
        "fatal error: all goroutines are asleep - deadlock!\n",
        "--- deadlock in left_fork_first\n",
        "FAIL  left_fork_first: confirmed deadlock\n",
        "ok    lower_fork_first: 1000 schedules, no failure",
    };
    expect_in_order(found.output, lines, sizeof lines / sizeof *lines);
    const char *cycle = strstr(found.output, "Cycle in lock order: ");
    size_t arrows = 0;
    for (const char *p = cycle; *p != '\n'; p++)
        arrows += strncmp(p, " => ", 4) == 0;
    cr_assert_eq(arrows, 5, "%s", cycle);
    /* the confirmed deadlock's replay command reproduces it */
    const char *confirmed = strstr(found.output, "    confirmed: seed ");
    const char *replay = strstr(confirmed, "    replay: weft ");
    replay += strlen("    replay: weft ");
    run_command(&replayed, "cd %s && %s %.*s", WEFT_SOURCE_DIR, WEFT_COMMAND,
                (int)strcspn(replay, "\n"), replay);
    cr_assert_eq(replayed.status, 1, "%s", replayed.output);
    const char *block = strchr(confirmed, '\n') + 1;
    size_t length = (size_t)(strchr(replay, '\n') + 1 - block);
    cr_assert_eq(strncmp(replayed.output, block, length), 0,
                 "found:\n%.*s\nreplayed:\n%s", (int)length, block,
                 replayed.output);
}
