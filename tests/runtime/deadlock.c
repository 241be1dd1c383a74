/* The deadlock report: every goroutine with its state and stack. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"

static weft_mutex mu;
static weft_chan *never;

static void lock_forever(void *arg)
{
    (void)arg;
    weft_mutex_lock(&mu);
}

static void send_forever(void *arg)
{
    (void)arg;
    weft_chan_send(never, &(int){1});
}

static void sleepy(void *arg)
{
    weft_sleep(WEFT_MILLISECOND);
    weft_waitgroup_wait(arg);
}

static void everyone_stuck(void)
{
    static weft_waitgroup wg;
    never = weft_chan_make(sizeof(int), 0);
    weft_mutex_lock(&mu);
    weft_waitgroup_add(&wg, 1);
    weft_go(lock_forever, NULL);
    weft_go(send_forever, NULL);
    weft_go(sleepy, &wg);
    printf("before the deadlock\n");
    weft_chan_recv(weft_chan_make(sizeof(int), 0), NULL);
}

Test(deadlock, report_lists_every_goroutine_state_and_stack)
{
    struct child_result r;
    child_run(everyone_stuck, &r);
    cr_assert_eq(r.exit_status, 2);
    const char *expected[] = {
        "before the deadlock\n"
        "fatal error: all goroutines are asleep - deadlock!\n\n"
        "goroutine 1 [chan receive]:\n  everyone_stuck() "
        "tests/runtime/deadlock.c:",
        "\ngoroutine 2 [mutex lock]:\n  lock_forever() "
        "tests/runtime/deadlock.c:",
        "\ncreated by everyone_stuck() in goroutine 1\n  "
        "tests/runtime/deadlock.c:",
        "\ngoroutine 3 [chan send]:\n  send_forever() "
        "tests/runtime/deadlock.c:",
        "\ngoroutine 4 [wait group]:\n  sleepy() tests/runtime/deadlock.c:",
    };
    const char *at = r.output;
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        const char *found = strstr(at, expected[i]);
        cr_assert(found, "missing, in order:\n%s\n--- in:\n%s", expected[i],
                  r.output);
        at = found + strlen(expected[i]);
    }
}

static void main_exits(void)
{
    weft_exit();
}

Test(deadlock, main_calling_exit_with_nothing_left)
{
    struct child_result r;
    child_run(main_exits, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert_str_eq(r.output, "fatal error: no goroutines (main called "
                               "weft_exit) - deadlock!\n");
}
