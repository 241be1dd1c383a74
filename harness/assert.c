/* weft_assert: the test's own checks, and what a framework that wraps them
 * needs: its caller's location (weft_assert_at, weft_assert_failv) and its
 * own frames left out of reports (weft_hide_function). A failure ends the
 * schedule with its own exit status, so the harness tells it from a panic
 * or a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit_status.h"
#include "harness_hooks.h"
#include "stack.h"
#include "weft.h"

void weft_assert_failv(const char *condition, const char *file, int line,
                       const char *format, va_list args)
{
    fflush(stdout);
    fprintf(stderr, "assertion failed: %s: ", condition);
    vfprintf(stderr, format, args);
    char where[4096]; /* relative, as the stacks below name files */
    stack_relative_path(where, sizeof where, file);
    fprintf(stderr, "\n  at %s:%d\n\n", where, line);
    runtime_print_current_goroutine(stderr);
    fflush(stderr);
    exit(WEFT_EXIT_ASSERT);
}

void weft_assert_fail(const char *condition, const char *file, int line,
                      const char *format, ...)
{
    va_list args;
    va_start(args, format);
    weft_assert_failv(condition, file, line, format, args);
}

void weft_hide_function(const char *function)
{
    if (!function || !stack_hide_function(function))
        weft_panic("weft_hide_function: '%s': an empty or too long name, or "
                   "more than %d names",
                   function ? function : "(null)", STACK_HIDDEN_MAX);
}
