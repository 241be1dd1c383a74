/*
 * sigaction and signal, counted (signal_calls.h), then done by libc's
 * __sigaction. signal keeps glibc's BSD semantics: the handler stays, the
 * signal is blocked while it runs, interrupted calls restart.
 */
#define _GNU_SOURCE
#include "signal_calls.h"

#include <signal.h>

extern int __sigaction(int sig, const struct sigaction *action,
                       struct sigaction *old);

unsigned long signal_disposition_changes;

int sigaction(int sig, const struct sigaction *action, struct sigaction *old)
{
    if (action)
        signal_disposition_changes++;
    return __sigaction(sig, action, old);
}

sighandler_t signal(int sig, sighandler_t handler)
{
    signal_disposition_changes++;
    struct sigaction action = {.sa_handler = handler, .sa_flags = SA_RESTART},
                     old;
    sigemptyset(&action.sa_mask);
    if (sigaddset(&action.sa_mask, sig) < 0 ||
        __sigaction(sig, &action, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}
