/*
 * Goroutine leaks: goroutines still blocked when the main goroutine is done
 * are listed with their state, blocking stack and creation stack — at the
 * end of a test (the harness's hook) and, with WEFT_OPTIONS=report_leaks=1,
 * when an ordinary program's main returns.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <weft.h>

#include "child.h"
#include "exit_status.h"
#include "harness_hooks.h"
#include "report_lines.h"

#define SOURCE "tests/runtime/leak.c"
#define LINE(tag) source_line(__FILE__, tag)

static void receive_forever(void *arg)
{
    weft_chan_recv(arg, NULL); /* @receive */
}

/* One frame more between main and weft_go: the creation stack shows it. */
static void start_receiver(weft_chan *c)
{
    weft_go(receive_forever, c); /* @go */
}

static void leak_a_receiver(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    start_receiver(c); /* @start */
}

/* The leaked receiver, created from `creator` at the line tagged there. */
static void expect_receiver(struct expected_lines *e, const char *creator,
                            const char *tag)
{
    expect_line(e, "%s", "");
    expect_line(e, "goroutine 2 [chan receive]:");
    expect_line(e, "  receive_forever() " SOURCE ":%d", LINE("receive"));
    expect_line(e, "created by goroutine 1 at:");
    expect_line(e, "  start_receiver() " SOURCE ":%d", LINE("go"));
    expect_line(e, "  %s() " SOURCE ":%d", creator, LINE(tag));
}

/* ---- at the end of a test (what the harness calls) ---- */

static void test_main(void *arg)
{
    (void)arg;
    leak_a_receiver(); /* @leaks */
    runtime_report_leaks(stdout);
}

static void leak_in_a_test(void)
{
    /* before the run, as the harness does: a run reads it when it starts */
    runtime_apply_run_settings(
        &(struct runtime_run_settings){.creation_stacks = true});
    weft_run(test_main, NULL, NULL);
}

Test(leak, leaked_receiver_is_listed_at_test_end_with_its_creation_stack)
{
    struct child_result r;
    child_run(leak_in_a_test, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "leak: 1 goroutine still blocked when the test returned");
    expect_receiver(&e, "leak_a_receiver", "start");
    expect_line(&e, "  test_main() " SOURCE ":%d", LINE("leaks"));
    assert_lines(r.output, &e);
}

static void test_main_without_creation_stacks(void *arg)
{
    (void)arg;
    leak_a_receiver();
    runtime_report_leaks(stdout);
}

static void leak_without_creation_stacks(void)
{
    weft_run(test_main_without_creation_stacks, NULL, NULL);
}

Test(leak, without_creation_stacks_the_weft_go_call_site_is_named)
{
    struct child_result r;
    child_run(leak_without_creation_stacks, &r);
    struct expected_lines e = {0};
    expect_line(&e, "leak: 1 goroutine still blocked when the test returned");
    expect_line(&e, "%s", "");
    expect_line(&e, "goroutine 2 [chan receive]:");
    expect_line(&e, "  receive_forever() " SOURCE ":%d", LINE("receive"));
    expect_line(&e, "created by start_receiver() in goroutine 1");
    expect_line(&e, "  " SOURCE ":%d", LINE("go"));
    assert_lines(r.output, &e);
}

static void finish_now(void *arg)
{
    weft_chan_recv(arg, NULL);
}

static void finish_later(void *arg)
{
    weft_sleep(WEFT_MILLISECOND);
    weft_chan_recv(arg, NULL);
}

static void finishing_goroutines(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 3);
    for (int i = 0; i < 3; i++)
        weft_chan_send(c, &i);
    weft_go(finish_later, c);
    weft_go(finish_later, c);
    weft_yield();           /* both asleep */
    weft_go(finish_now, c); /* runnable, not started */
    printf("leaked: %zu\n", runtime_report_leaks(stdout));
    printf("goroutines left: %zu\n", weft_goroutine_count());
}

static void run_finishing_goroutines(void)
{
    weft_run(finishing_goroutines, NULL, NULL);
}

Test(leak, goroutines_that_would_still_finish_are_not_leaks)
{
    struct child_result r;
    child_run(run_finishing_goroutines, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, "leaked: 0\ngoroutines left: 1\n");
}

/* ---- report_leaks=1: an ordinary program's main ---- */

static void main_returns_with_a_leak(void)
{
    setenv("WEFT_OPTIONS", "report_leaks=1", 1);
    leak_a_receiver(); /* @main_leaks */
    printf("main returns\n");
    exit(0); /* what returning from main() does */
}

Test(leak, report_leaks_lists_leaks_when_main_returns_and_exits_5)
{
    struct child_result r;
    child_run(main_returns_with_a_leak, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_LEAK, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "main returns");
    expect_line(&e, "leak: 1 goroutine still blocked when main returned");
    expect_receiver(&e, "leak_a_receiver", "start");
    expect_line(&e, "  main_returns_with_a_leak() " SOURCE ":%d",
                LINE("main_leaks"));
    expect_line(&e, "..."); /* the test runner's frames, up to main */
    assert_lines(r.output, &e);
}

static void weft_run_main(void *arg)
{
    (void)arg;
    leak_a_receiver(); /* @run_leaks */
}

static void weft_run_returns_with_a_leak(void)
{
    setenv("WEFT_OPTIONS", "report_leaks=1", 1);
    weft_run(weft_run_main, NULL, NULL);
    printf("not reached: the leak ends the program\n");
}

Test(leak, report_leaks_lists_leaks_when_weft_runs_main_returns)
{
    struct child_result r;
    child_run(weft_run_returns_with_a_leak, &r);
    cr_assert_eq(r.exit_status, WEFT_EXIT_LEAK, "%s", r.output);
    struct expected_lines e = {0};
    expect_line(&e, "leak: 1 goroutine still blocked when main returned");
    expect_receiver(&e, "leak_a_receiver", "start");
    expect_line(&e, "  weft_run_main() " SOURCE ":%d", LINE("run_leaks"));
    assert_lines(r.output, &e);
}

static void main_returns_clean(void)
{
    setenv("WEFT_OPTIONS", "report_leaks=1", 1);
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    start_receiver(c);
    weft_chan_close(c); /* the receiver returns */
    printf("main returns\n");
    exit(0);
}

Test(leak, report_leaks_is_silent_when_nothing_leaks)
{
    struct child_result r;
    child_run(main_returns_clean, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, "main returns\n");
}

static void main_leaks_unreported(void)
{
    leak_a_receiver();
    printf("main returns\n");
    exit(0);
}

Test(leak, leaks_are_not_reported_unless_asked)
{
    struct child_result r;
    child_run(main_leaks_unreported, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, "main returns\n");
}
