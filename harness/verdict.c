/* Verdicts: how a schedule ended, read from its exit status and output. */
#include <string.h>
#include <sys/wait.h>

#include "exit_status.h"
#include "run.h"

static const char *names[] = {
    [WEFT_PASS] = "pass",
    [WEFT_RACE] = "data race",
    [WEFT_DEADLOCK] = "deadlock",
    [WEFT_LEAK] = "goroutine leak",
    [WEFT_ASSERT] = "assertion failed",
    [WEFT_PANIC] = "panic",
    [WEFT_CRASH] = "crash",
    [WEFT_HANG] = "hang",
    [WEFT_LOCK_ORDER] = "potential deadlock",
    [WEFT_CONFIRMED_DEADLOCK] = "confirmed deadlock",
};

const char *weft_verdict_name(enum weft_verdict_kind kind)
{
    return kind <= WEFT_CONFIRMED_DEADLOCK ? names[kind] : "?";
}

enum weft_verdict_kind verdict_classify(int status, const char *output)
{
    if (WIFSIGNALED(status))
        return WEFT_CRASH;
    switch (WEXITSTATUS(status)) {
    case 0:
        return strstr(output, "WARNING: DATA RACE") ? WEFT_RACE : WEFT_PASS;
    case WEFT_EXIT_RACE:
        return WEFT_RACE;
    case WEFT_EXIT_ASSERT:
        return WEFT_ASSERT;
    case WEFT_EXIT_HANG:
        return WEFT_HANG;
    case WEFT_EXIT_LEAK:
        return WEFT_LEAK;
    case WEFT_EXIT_LOCK_ORDER:
        return WEFT_LOCK_ORDER;
    case WEFT_EXIT_CRASH:
        return WEFT_CRASH;
    case WEFT_EXIT_PANIC:
        if (strstr(output, "fatal error: all goroutines are asleep") ||
            strstr(output, "fatal error: no goroutines"))
            return WEFT_DEADLOCK;
        if (strstr(output, "WARNING: DATA RACE") && !strstr(output, "panic: "))
            return WEFT_RACE;
        return WEFT_PANIC;
    default:
        return strstr(output, "WARNING: DATA RACE") ? WEFT_RACE : WEFT_CRASH;
    }
}
