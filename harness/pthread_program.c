/*
 * An ordinary program's main under the harness (`weft test --pthread`):
 * the program is linked with libweft (or has it preloaded), and its start
 * passes through here. With WEFT_PTHREAD_PROGRAM set (by the weft
 * command), its main becomes the one test, "main", of weft's test runner:
 *     PROGRAM [test|replay] [runner options] [-- ARGS...]
 * each schedule runs main(ARGS) as the main goroutine, its threads as
 * goroutines (posix/), and what C makes of main's end is the verdict:
 * main returning 0 passes (threads still blocked then are a leak, as for
 * a weft test), as does exit(0) from any thread (which ends them all); a
 * non-zero exit status, and a failed assert(), fail as an assertion does,
 * with the stack. Without the variable the program starts as it always
 * did.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "exit_status.h"
#include "goroutine_names.h"
#include "harness_hooks.h"
#include "own_posix.h"
#include "posix_threads.h"
#include "run.h"
#include "runner.h"
#include "weft.h"

typedef int program_main(int argc, char **argv, char **env);

static struct {
    program_main *main;
    int argc;
    char **argv, **env;
} program;

/* A failure the program reported itself: an exit status, as weft_assert
 * reports one, with the stack that ended there. */
_Noreturn static void failed(const char *format, int status)
{
    fflush(stdout);
    fputs("assertion failed: ", stderr);
    fprintf(stderr, format, status);
    fputs("\n\n", stderr);
    runtime_print_current_goroutine(stderr);
    fflush(stderr);
    weft_own_exit(WEFT_EXIT_ASSERT);
}

/* The program's exit(status), from any thread: not 0 is its failure; 0
 * ends the program there, a pass, whatever its other threads are doing
 * (exit ends them all, so none is a leak). */
static void program_exit(int status)
{
    if (status != 0)
        failed("the program called exit(%d)", status);
    schedule_end_by_exit();
}

static void main_as_test(void)
{
    posix_threads_start(program_exit);
    detector_thread_locals(posix_keep_thread_local);
    goroutine_names_as_threads();
    int status = program.main(program.argc, program.argv, program.env);
    if (status != 0)
        failed("main returned %d", status);
}

/* The name in assert()'s __PRETTY_FUNCTION__: gcc's is the name, clang's the
 * whole signature, in C too ("int main(void)"). Its length; *name, where. */
static int function_name(const char *function, const char **name)
{
    const char *end = strchr(function, '(');
    if (!end)
        end = function + strlen(function);
    const char *start = end;
    while (start > function &&
           (start[-1] == '_' || isalnum((unsigned char)start[-1])))
        start--;
    if (start == end)
        start = function;
    *name = start;
    return (int)(end - start);
}

_Noreturn void __assert_fail(const char *condition, const char *file,
                             unsigned line, const char *function)
{
    if (!posix_threads_active())
        REAL(__assert_fail)(condition, file, line, function);
    const char *name;
    int length = function_name(function, &name);
    weft_assert_fail(condition, file, (int)line, "assert() in %.*s", length,
                     name);
}

/* Whether word reads the same to the shell unquoted. */
static bool shell_plain(const char *word)
{
    return *word && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                                 "QRSTUVWXYZ0123456789_-+=.,/:@%") ==
                        strlen(word);
}

/* The program's arguments as a shell reads them back (each one quoted
 * where it must be), for replay commands: NULL for none. */
static const char *quoted_args(int argc, char **argv)
{
    static char text[4096];
    size_t length = 0;
    for (int i = 0; i < argc; i++) {
        const char *word = argv[i];
        bool plain = shell_plain(word);
        char quoted[2048];
        size_t q = 0;
        if (!plain)
            quoted[q++] = '\'';
        for (; *word && q + 5 < sizeof quoted; word++)
            if (!plain && *word == '\'') { /* ' ends the quote: '\'' */
                memcpy(quoted + q, "'\\''", 4);
                q += 4;
            } else
                quoted[q++] = *word;
        if (!plain)
            quoted[q++] = '\'';
        length += (size_t)snprintf(text + length, sizeof text - length,
                                   "%s%.*s", i ? " " : "", (int)q, quoted);
        if (length >= sizeof text)
            break;
    }
    return argc > 0 ? text : NULL;
}

/* The runner's arguments are those before "--"; the program's, its name
 * and those after. */
static int runner_main(int argc, char **argv, char **env)
{
    runner_without_aslr(argv); /* with every argument, before the split */
    int split = 1;
    while (split < argc && strcmp(argv[split], "--") != 0)
        split++;
    program.env = env;
    program.argc = argc - split;
    program.argv = argv + split;
    program.argv[0] = argv[0];
    static char name[4096];
    snprintf(name, sizeof name, "--pthread %s", argv[0]);
    argv[0] = name; /* what reports print to replay it */
    runner_set_replay_args(quoted_args(program.argc - 1, program.argv + 1));
    goroutine_names_as_threads(); /* in the steps the runner lists too */
    argv[split] = NULL;
    weft_test_register("main", main_as_test, __FILE__, __LINE__);
    return weft_test_main(split, argv);
}

typedef int libc_start_main(program_main *main, int argc, char **argv,
                            void (*init)(void), void (*fini)(void),
                            void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(program_main *main, int argc, char **argv,
                      void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end)
{
    libc_start_main *real = REAL(__libc_start_main);
    if (!getenv("WEFT_PTHREAD_PROGRAM"))
        return real(main, argc, argv, init, fini, rtld_fini, stack_end);
    program.main = main;
    return real(runner_main, argc, argv, init, fini, rtld_fini, stack_end);
}
