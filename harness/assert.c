/* weft_assert: the test's own checks. A failure ends the schedule with its
 * own exit status, so the harness tells it from a panic or a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit_status.h"
#include "harness_hooks.h"
#include "stack.h"
#include "weft.h"

void weft_assert_fail(const char *condition, const char *file, int line,
                      const char *format, ...)
{
    fflush(stdout);
    fprintf(stderr, "assertion failed: %s: ", condition);
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    char where[4096]; /* relative, as the stacks below name files */
    stack_relative_path(where, sizeof where, file);
    fprintf(stderr, "\n  at %s:%d\n\n", where, line);
    runtime_print_current_goroutine(stderr);
    fflush(stderr);
    exit(WEFT_EXIT_ASSERT);
}
