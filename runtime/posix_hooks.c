/* The runtime's side of the posix layer's seam (posix_hooks.h). */
#include "parallel.h"
#include "posix_hooks.h"

void **goroutine_posix_slot(void)
{
    return &ws.current->posix;
}

void runtime_on_switch(goroutine_switch_fn *on_switch)
{
    rt.on_switch = on_switch;
}

void posix_memory_fresh(const void *address, size_t size)
{
    DETECT(memory_fresh, address, size);
}

void runtime_thread_locals(void (*keep)(const void *address, size_t size))
{
    keep(&ws, sizeof ws);
    crash_thread_locals(keep);
}

void posix_sync_point(enum weft_op op)
{
    sched_point(op, NULL);
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
