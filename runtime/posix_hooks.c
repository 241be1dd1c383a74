/* The runtime's side of the posix layer's seam (posix_hooks.h). */
#include "parallel.h"
#include "posix_hooks.h"

void **goroutine_posix_slot(void)
{
    return &ws.current->posix;
}

void posix_sync_point(enum weft_op op)
{
    sched_point(op, NULL);
    RT_UNLOCK();
}

void posix_sync_acquire(const void *object)
{
    DETECT(acquire, object);
}

void posix_sync_release(const void *object)
{
    DETECT(release, object);
}

bool runtime_runs_one_thread_here(void)
{
    return rt.initialized && !rt.parallel && ws.current != NULL;
}
