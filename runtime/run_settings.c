/*
 * The harness's settings for the runs that follow, applied in one call
 * (harness_hooks.h): kept in rt_process, which outlives the runs; each
 * part of the runtime reads its setting there when a run starts.
 */
#include <string.h>

#include "harness_hooks.h"
#include "runtime.h"

void runtime_apply_run_settings(const struct runtime_run_settings *settings)
{
    rt_process.harness_set = true;
    rt_process.harness = *settings;
    size_t length = settings->lock_target_length < LOCK_TARGET_MAX
                        ? settings->lock_target_length
                        : LOCK_TARGET_MAX;
    if (length)
        memcpy(rt_process.lock_target, settings->lock_target,
               length * sizeof *settings->lock_target);
    rt_process.harness.lock_target = rt_process.lock_target;
    rt_process.harness.lock_target_length = length;
}
