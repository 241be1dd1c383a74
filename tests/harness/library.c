/*
 * The harness as a library: a framework with its own main and registry
 * (tests/harness/programs/framework.c) calls weft_explore and weft_replay.
 * Its reports name the tests' lines, not its wrappers' (weft_assert_at,
 * weft_hide_function); the printed weft_replay call reruns the schedule
 * with the same report and verdict; each verdict has its own kind.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <weft.h>

#include "report_lines.h"

#define SOURCE WEFT_SOURCE_DIR "/tests/harness/programs/framework.c"

struct command_result {
    int status;
    char output[65536];
};

/* Runs the framework without address-space randomisation (as weft's own
 * runner does), so that two processes print the same addresses. */
static void run_binary(struct command_result *r, const char *binary,
                       const char *arguments)
{
    char command[4096];
    snprintf(command, sizeof command, "cd %s && setarch -R %s %s 2>&1",
             TEST_BINARY_DIR, binary, arguments);
    FILE *pipe = popen(command, "r");
    size_t length = fread(r->output, 1, sizeof r->output - 1, pipe);
    r->output[length] = '\0';
    int status = pclose(pipe);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run_framework(struct command_result *r, const char *arguments)
{
    run_binary(r, FRAMEWORK_BINARY, arguments);
}

static void explore_in(struct command_result *r, const char *binary,
                       const char *test, const char *iterations)
{
    char arguments[256];
    snprintf(arguments, sizeof arguments, "explore %s %s", test, iterations);
    run_binary(r, binary, arguments);
    cr_assert_eq(r->status, 1, "%s", r->output);
}

static void explore(struct command_result *r, const char *test,
                    const char *iterations)
{
    explore_in(r, FRAMEWORK_BINARY, test, iterations);
}

/* The framework's last line: "verdict: NAME (kind K)". */
static void expect_verdict(const char *output, enum weft_verdict_kind kind)
{
    char expected[128];
    snprintf(expected, sizeof expected, "verdict: %s (kind %d)\n",
             weft_verdict_name(kind), (int)kind);
    size_t length = strlen(output), n = strlen(expected);
    cr_assert(length >= n && strcmp(output + length - n, expected) == 0,
              "want it to end with %s in:\n%s", expected, output);
}

/* A report block: from just after `after` to the end of the replay line
 * that follows it, which a replay must print identically. */
static char *block_after(const char *output, const char *after)
{
    const char *start = strstr(output, after);
    cr_assert(start, "no \"%s\" in:\n%s", after, output);
    start += strlen(after);
    const char *end = strchr(strstr(start, "    replay: "), '\n') + 1;
    return strndup(start, (size_t)(end - start));
}

static char *report_block(const char *output)
{
    const char *found = strstr(output, " found in schedule ");
    cr_assert(found, "%s", output);
    return block_after(strchr(found, '\n') + 1, "");
}

/* Replays the schedule of block's weft_replay(TEST, "TEXT") line in
 * binary and expects the same block again, then the verdict kind. */
static void expect_replayed_in(const char *binary, const char *test,
                               const char *block, enum weft_verdict_kind kind)
{
    char call[256];
    snprintf(call, sizeof call, "    replay: weft_replay(%s, \"", test);
    const char *text = strstr(block, call);
    cr_assert(text, "want %s in:\n%s", call, block);
    text += strlen(call);
    char arguments[1024];
    snprintf(arguments, sizeof arguments, "replay %s '%.*s'", test,
             (int)strcspn(text, "\""), text);
    struct command_result replayed;
    run_binary(&replayed, binary, arguments);
    cr_assert_eq(replayed.status, kind == WEFT_PASS ? 0 : 1);
    cr_assert(strncmp(replayed.output, block, strlen(block)) == 0,
              "want the replay to print:\n%s\ngot:\n%s", block,
              replayed.output);
    cr_assert_str_eq(replayed.output + strlen(block),
                     strstr(replayed.output, "verdict: "));
    expect_verdict(replayed.output, kind);
}

static void expect_replayed(const char *test, const char *block,
                            enum weft_verdict_kind kind)
{
    expect_replayed_in(FRAMEWORK_BINARY, test, block, kind);
}

Test(library, a_wrapped_check_names_the_tests_line_and_its_replay_replays)
{
    struct command_result r;
    explore(&r, "lost_deposit", "");
    expect_verdict(r.output, WEFT_ASSERT);
    char *block = report_block(r.output);
    int check = source_line(SOURCE, "check");
    struct expected_lines e = {0};
    expect_line(&e, "assertion failed: a == b: 1 != 2");
    expect_line(&e, "  at " SOURCE ":%d", check);
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 1 [running]:");
    expect_line(&e, "  lost_deposit() " SOURCE ":%d", check);
    expect_line(&e, "--- assertion failed in lost_deposit");
    expect_line(&e, "    strategy surw:abreast, seed 0x*");
    expect_line(&e, "    schedule v1:*");
    expect_line(
        &e, "    replay: weft_replay(lost_deposit, \"surw:abreast seed 0x*");
    assert_lines(block, &e);
    /* the minimised steps name the test's weft_go, not the wrapper's */
    char spawn[512];
    snprintf(spawn, sizeof spawn, "\n    g1 go @ " SOURCE ":%d\n",
             source_line(SOURCE, "spawn_deposit"));
    cr_assert(strstr(r.output, spawn), "want %s in:\n%s", spawn, r.output);
    expect_replayed("lost_deposit", block, WEFT_ASSERT);
    free(block);
}

Test(library, a_leak_names_the_tests_go_and_lists_no_step_of_the_leak_check)
{
    struct command_result r;
    explore(&r, "forgotten_receiver", "");
    expect_verdict(r.output, WEFT_LEAK);
    int spawn = source_line(SOURCE, "spawn"),
        receive = source_line(SOURCE, "receive");
    char *block = report_block(r.output);
    struct expected_lines e = {0};
    expect_line(&e, "leak: 1 goroutine still blocked when the test returned");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 2 [chan receive]:");
    expect_line(&e, "  receive_one() " SOURCE ":%d", receive);
    expect_line(&e, "created by goroutine 1 at:");
    expect_line(&e, "  forgotten_receiver() " SOURCE ":%d", spawn);
    expect_line(&e, "--- goroutine leak in forgotten_receiver");
    expect_line(&e, "    strategy surw:abreast, seed 0x*");
    expect_line(&e, "    schedule v1:*");
    expect_line(&e, "    replay: weft_replay(forgotten_receiver, \"*");
    assert_lines(block, &e);
    /* every step the test's own: none of the check after it returned */
    const char *after = strstr(r.output, block) + strlen(block);
    char *minimised =
        strndup(after, (size_t)(strstr(after, "verdict: ") - after));
    expect_line(&e, "--- minimised to 0 preemptions, 2 steps:");
    expect_line(&e, "    g1 go @ " SOURCE ":%d", spawn);
    expect_line(&e, "    g2 blocks on ch#1 (chan receive) @ " SOURCE ":%d", receive);
    expect_line(&e, "    schedule v1:*");
    assert_lines(minimised, &e);
    free(minimised);
    expect_replayed("forgotten_receiver", block, WEFT_LEAK);
    free(block);
}

Test(library, a_confirmed_potential_deadlock_is_its_own_kind_and_both_replay)
{
    struct command_result r;
    /* random's schedule 1 takes the locks in turn (surw's, the default's,
     * deadlocks at once): the inversion is seen before any deadlock */
    explore(&r, "opposite_transfers", "0 random");
    expect_verdict(r.output, WEFT_CONFIRMED_DEADLOCK);
    cr_assert_str_eq(weft_verdict_name(WEFT_CONFIRMED_DEADLOCK),
                     "confirmed deadlock");
    char *potential = report_block(r.output);
    /* the locks and the goroutines named where the test took and made
     * them, through the framework's lock and spawn */
    char lines[1024];
    snprintf(lines, sizeof lines,
             "by goroutine 2:\n  transfer() " SOURCE ":%d\n"
             "mutex#2 was taken before, by the same goroutine:\n"
             "  transfer() " SOURCE ":%d\n",
             source_line(SOURCE, "lock_to"), source_line(SOURCE, "lock_from"));
    cr_assert(strstr(potential, lines), "want:\n%s\nin:\n%s", lines, potential);
    snprintf(lines, sizeof lines,
             "created by goroutine 1 at:\n  opposite_transfers() " SOURCE
             ":%d\n",
             source_line(SOURCE, "go_to_bob"));
    cr_assert(strstr(potential, lines), "want:\n%s\nin:\n%s", lines, potential);
    cr_assert(strstr(potential, "--- potential deadlock in "
                                "opposite_transfers\n"),
              "%s", potential);
    expect_replayed("opposite_transfers", potential, WEFT_LOCK_ORDER);
    /* the schedule that closed the cycle: a deadlock, replayed by its
     * decisions under the confirm strategy */
    char *deadlock = block_after(r.output, " deadlocks:\n");
    cr_assert(strstr(deadlock, "--- deadlock in opposite_transfers\n"
                               "    strategy confirm, "),
              "%s", deadlock);
    cr_assert(strstr(deadlock, "    replay: weft_replay(opposite_transfers, "
                               "\"confirm v1:"),
              "%s", deadlock);
    expect_replayed("opposite_transfers", deadlock, WEFT_DEADLOCK);
    free(potential);
    free(deadlock);
}

Test(library, an_unconfirmed_cycle_tries_100_schedules_whatever_the_iterations)
{
    struct command_result r;
    explore(&r, "transfers_in_turn", "3");
    expect_verdict(r.output, WEFT_LOCK_ORDER);
    cr_assert_str_eq(weft_verdict_name(WEFT_LOCK_ORDER), "potential deadlock");
    cr_assert(strstr(r.output, "\n    not reached in 100 schedules\n"), "%s",
              r.output);
}

Test(library, a_deadlock_is_a_deadlock)
{
    struct command_result r;
    explore(&r, "receive_from_nobody", "");
    expect_verdict(r.output, WEFT_DEADLOCK);
    char *block = report_block(r.output);
    expect_replayed("receive_from_nobody", block, WEFT_DEADLOCK);
    free(block);
}

Test(library, a_race_names_the_tests_go_and_the_replay_call_on_its_line)
{
    struct command_result r;
    explore_in(&r, FRAMEWORK_RACE_BINARY, "racy_total", "");
    expect_verdict(r.output, WEFT_RACE);
    char *block = report_block(r.output);
    struct expected_lines e = {0};
    int add = source_line(SOURCE, "add"), go = source_line(SOURCE, "go_add");
    expect_line(&e, "==================");
    expect_line(&e, "WARNING: DATA RACE");
    /* total++ is a read and a write for gcc's instrumentation; clang's
     * leaves out a read its block then writes, so the write is first */
#ifdef __clang__
    expect_line(&e, "Write of size 8 at 0x*");
#else
    expect_line(&e, "Read of size 8 at 0x*");
#endif
    expect_line(&e, "  add_to_total() " SOURCE ":%d", add);
    expect_line(&e, "  access: *");
    expect_line(&e, "Previous write of size 8 at 0x*");
    expect_line(&e, "  add_to_total() " SOURCE ":%d", add);
    /* the default's schedule: goroutine 3 writes, then goroutine 2 comes
     * to total++ before either is done */
    expect_line(&e, "Goroutine 2 (running) created at:");
    expect_line(&e, "  racy_total() " SOURCE ":%d", go);
    expect_line(&e, "Goroutine 3 (running) created at:");
    expect_line(&e, "  racy_total() " SOURCE ":%d", go + 1);
    expect_line(&e, "Schedule: seed 0x*");
    expect_line(&e, "==================");
    expect_line(&e, "...");
    expect_line(&e, "--- data race in racy_total");
    expect_line(&e, "    strategy surw:abreast, seed 0x*");
    expect_line(&e, "    schedule v1:*");
    expect_line(&e,
                "    replay: weft_replay(racy_total, \"surw:abreast seed 0x*");
    assert_lines(block, &e);
    /* the race's own replay line names the call too */
    cr_assert(strstr(block,
                     " — replay: weft_replay(racy_total, \"surw:abreast seed "
                     "0x"),
              "%s", block);
    expect_replayed_in(FRAMEWORK_RACE_BINARY, "racy_total", block, WEFT_RACE);
    free(block);
}

Test(library, a_replay_text_that_names_no_schedule_is_refused_with_a_reason)
{
    const char *cases[][2] = {
        {"pct seed 0x1", "a pct schedule is replayed with its strategy as "
                         "printed, pct:D:K"},
        {"random seed", "expected a seed such as 0x5eed1234 after \"seed\""},
        {"dfs seed 0x1", "dfs and confirm schedules are replayed by their "
                         "schedule string"},
        {"v1:0 fast", "expected preempt-on-access or no-lock-order after the "
                      "schedule"},
        {"sideways seed 0x1", "unknown strategy (surw, surw:abreast, "
                              "pct:D:K, pos, random, dfs[:B], confirm)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char arguments[256], expected[512];
        snprintf(arguments, sizeof arguments, "replay lost_deposit '%s'",
                 cases[i][0]);
        struct command_result r;
        run_framework(&r, arguments);
        snprintf(expected, sizeof expected,
                 "weft: weft_replay: bad schedule '%s': %s\n"
                 "verdict: panic (kind %d)\n",
                 cases[i][0], cases[i][1], (int)WEFT_PANIC);
        cr_assert_str_eq(r.output, expected);
        cr_assert_eq(r.status, 1);
    }
}
