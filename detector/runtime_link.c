/*
 * The detector wired to the runtime (runtime_link.h): the runtime's events
 * go to the detector's handlers (events.h), and the report's schedule line
 * reads the runtime's seed and step.
 */
#include "runtime_link.h"

#include "detector.h"
#include "env.h"
#include "events.h"
#include "state.h"
#include "sync_events.h"

void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);

static const struct sync_events events = {
    .run_start = detector_on_run_start,
    .goroutine_start = detector_on_goroutine_start,
    .goroutine_end = detector_on_goroutine_end,
    .goroutine_switch = detector_on_goroutine_switch,
    .acquire = detector_on_acquire,
    .release = detector_on_release,
    .release_store = detector_on_release_store,
    .release_acquire_parked = detector_on_release_acquire_parked,
    .sync_free = detector_on_sync_free,
    .memory_fresh = detector_on_memory_fresh,
    .ignore_begin = __tsan_ignore_thread_begin,
    .ignore_end = __tsan_ignore_thread_end,
};

static const struct detector_schedule_source schedule = {
    .env_seed = weft_env_seed,
    .step = weft_step,
};

void detector_start_with_runtime(void)
{
    if (detector_enabled())
        return;
    detector_start(&schedule);
    runtime_set_sync_events(&events);
}
