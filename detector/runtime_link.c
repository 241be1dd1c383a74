/*
 * The detector wired to the runtime (runtime_link.h): the runtime's events
 * go to the detector's handlers (events.h), and the report's schedule line
 * reads the runtime's seed and step. The adapter's own WEFT_OPTIONS key:
 *   preempt_calls=0|1   every instrumented function entry is a scheduling
 *                       point (tsan_abi.c)
 */
#include "runtime_link.h"

#include <string.h>

#include "detector.h"
#include "env.h"
#include "events.h"
#include "options.h"
#include "state.h"
#include "sync_events.h"

OPTION_KEY(preempt_calls);

void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);

static const struct sync_events events = {
    .run_start = detector_on_run_start,
    .goroutine_start = detector_on_goroutine_start,
    .goroutine_end = detector_on_goroutine_end,
    .goroutine_switch = detector_on_goroutine_switch,
    .acquire = detector_on_acquire,
    .release = detector_on_release,
    .acquire_release = detector_on_acquire_release,
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

static bool preempt_calls_asked(void)
{
    const char *value = option_value("preempt_calls");
    if (value && strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
        option_bad("WEFT_OPTIONS: preempt_calls is 0 or 1", value);
    return value && value[0] == '1';
}

void detector_start_with_runtime(void)
{
    if (detector_enabled())
        return;
    detector_start(&schedule);
    det.preempt_calls = preempt_calls_asked();
    runtime_set_sync_events(&events);
}
