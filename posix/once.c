/*
 * pthread_once on its own int, with glibc's values: 0 not run, 1 running,
 * 2 done (so a once run before weft took over counts as done). A caller
 * that finds it running yields until it is done.
 * Happens-before: the completion of init HB the return of every call.
 */
#include <pthread.h>

#include "posix.h"

enum { ONCE_NOT_RUN, ONCE_RUNNING, ONCE_DONE };

int pthread_once(pthread_once_t *once, void (*init)(void))
{
    if (!posix_active())
        return REAL(pthread_once)(once, init);
    posix_sync_point(WEFT_OP_ONCE);
    if (*once == ONCE_NOT_RUN) {
        *once = ONCE_RUNNING;
        init();
        posix_sync_release(once);
        *once = ONCE_DONE;
        return 0;
    }
    while (*once == ONCE_RUNNING)
        weft_yield();
    posix_sync_acquire(once);
    return 0;
}
