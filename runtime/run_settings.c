/*
 * The harness's settings for the runs that follow, applied in one call
 * (harness_hooks.h). Each setting is kept by the part of the runtime that
 * uses it, outside the per-run state, so it outlives the runs it applies
 * to; a run reads it when it starts.
 */
#include "harness_hooks.h"
#include "lockorder.h"
#include "netpoll.h"
#include "runtime.h"

void runtime_apply_run_settings(const struct runtime_run_settings *settings)
{
    lockorder_configure(settings->lock_order, settings->lock_target,
                        settings->lock_target_length);
    leaks_record_creation_stacks(settings->creation_stacks);
    netpoll_set_io_grace(settings->io_grace_ns > 0 ? settings->io_grace_ns
                                                   : -1);
}
