/* When the posix layer acts (posix.h): switched on once per schedule's
 * process, on the thread that runs its goroutines; and the program's
 * exit(), which the harness, not libc, makes the end of a schedule. */
#include <stdio.h>

#include "posix.h"
#include "posix_threads.h"

bool posix_on;
__thread bool posix_thread __attribute__((tls_model("initial-exec")));
static posix_exit_handler *exit_handler;

void posix_threads_start(posix_exit_handler *on_exit)
{
    if (!runtime_runs_one_thread_here())
        posix_refuse("posix_threads_start",
                     "pthread programs run on weft's one-thread runtime");
    exit_handler = on_exit;
    posix_thread = true;
    posix_on = true;
    posix_tls_start();
}

_Noreturn void exit(int status)
{
    if (posix_active() && exit_handler)
        exit_handler(status);
    weft_own_exit(status);
}

bool posix_threads_active(void)
{
    return posix_active();
}

_Noreturn void posix_refuse(const char *call, const char *why)
{
    weft_panic("%s: not supported under weft (%s)", call, why);
}
