/* samples/pthread_pool, unmodified pthread code under `weft test
 * --pthread`: the missed signal is a deadlock, every thread blocked in its
 * cond wait, and the printed seed replays it. */
#include "sample_test.h"

Test(pthread_pool, missed_signal_is_a_deadlock_that_replays)
{
    static struct run found;
    run_command(&found, "%s test --pthread %s", WEFT_COMMAND, SAMPLE);
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "fatal error: all goroutines are asleep - "
                          "deadlock!\n");
    expect_output(&found, "thread T0 [cond wait]:\n  main() ");
    expect_output(&found, "samples/pthread_pool/main.c:71\n");
    expect_output(&found, "thread T1 [cond wait]:\n  worker() ");
    expect_output(&found, "samples/pthread_pool/main.c:41\n"
                          "created by thread T0 at:\n  main() ");
    expect_output(&found, "FAIL  main: deadlock\n");
    expect_replays(&found, "main");
}
