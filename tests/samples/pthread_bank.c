/* samples/pthread_bank, unmodified pthread code under `weft test
 * --pthread`: the lost update is found, its assert() is the verdict, and
 * the printed seed replays the same report. */
#include "sample_test.h"

Test(pthread_bank, lost_update_is_found_and_replayed)
{
    static struct run found;
    run_command(&found, "%s test --pthread %s", WEFT_COMMAND, SAMPLE);
    cr_assert_eq(found.status, 1, "%s", found.output);
    expect_output(&found, "=== RUN   main\n");
    expect_output(&found, "assertion failed: balance == 150: assert() in "
                          "main\n");
    expect_output(&found, "samples/pthread_bank/main.c:44\n");
    expect_output(&found, "thread T0 [running]:\n  main() ");
    expect_output(&found, "--- minimised to 1 preemption, ");
    expect_output(&found, "replay: weft replay --pthread ");
    expect_output(&found, "FAIL  main: assertion failed\n");
    expect_replays(&found, "main");
}
