/*
 * What a pthread program may call that weft cannot map onto goroutines:
 * refused under weft with a panic naming the call (posix.h), never run on
 * a real thread. Cancellation is off rather than refused: no thread is
 * ever cancelled, so its state and checks have nothing to do.
 */
#include <pthread.h>
#include <signal.h>

#include "posix.h"

int pthread_cancel(pthread_t thread)
{
    if (!posix_active())
        return REAL(pthread_cancel)(thread);
    posix_refuse(__func__, "threads are goroutines, which cannot be "
                           "cancelled");
}

int pthread_kill(pthread_t thread, int signal)
{
    if (!posix_active())
        return REAL(pthread_kill)(thread, signal);
    posix_refuse(__func__, "threads are goroutines, which take no signals");
}

int pthread_sigqueue(pthread_t thread, int signal, const union sigval value)
{
    if (!posix_active())
        return REAL(pthread_sigqueue)(thread, signal, value);
    posix_refuse(__func__, "threads are goroutines, which take no signals");
}

int pthread_setcancelstate(int state, int *old)
{
    if (!posix_active())
        return REAL(pthread_setcancelstate)(state, old);
    if (old)
        *old = PTHREAD_CANCEL_ENABLE;
    return 0;
}

int pthread_setcanceltype(int type, int *old)
{
    if (!posix_active())
        return REAL(pthread_setcanceltype)(type, old);
    if (old)
        *old = PTHREAD_CANCEL_DEFERRED;
    return 0;
}

void pthread_testcancel(void)
{
    if (!posix_active())
        REAL(pthread_testcancel)();
}
