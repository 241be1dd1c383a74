#define _GNU_SOURCE /* program_invocation_name */
/*
 * What race reports are configured by: the detector's WEFT_OPTIONS keys,
 * and the schedule a report's last line names (the harness's, or a seeded
 * run's) with the command that replays it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detector.h"
#include "options.h"
#include "report.h"
#include "state.h"

OPTION_KEY(halt_on_error);
OPTION_KEY(log_path);
OPTION_KEY(suppressions);
/* accepted for TSan compatibility: every access keeps its exact stack */
OPTION_KEY(history_size);

struct report_options report_options = {.exitcode = 66};

static const struct detector_schedule_source *schedule_source;
static char *replay_hint;

static void set_replay_hint(const char *command)
{
    det_free(replay_hint);
    replay_hint = NULL;
    if (command) {
        size_t length = strlen(command);
        replay_hint = det_alloc(length + 1);
        memcpy(replay_hint, command, length + 1);
    }
}

static bool option_bool(const char *key)
{
    const char *value = option_value(key);
    return value && (strcmp(value, "1") == 0 || strcmp(value, "true") == 0);
}

static FILE *open_log(const char *path)
{
    if (!path || strcmp(path, "stderr") == 0)
        return stderr;
    if (strcmp(path, "stdout") == 0)
        return stdout;
    char name[4096];
    snprintf(name, sizeof name, "%s.%d", path, (int)getpid());
    FILE *f = fopen(name, "w");
    if (!f) {
        fprintf(stderr, "weft: WEFT_OPTIONS: cannot open log_path %s: %s\n",
                name, strerror(errno));
        exit(2);
    }
    return f;
}

void report_configure(const struct detector_schedule_source *schedule)
{
    schedule_source = schedule;
    report_options.halt_on_error = option_bool("halt_on_error");
    report_options.exitcode = option_exitcode(report_options.exitcode);
    report_options.log = open_log(option_value("log_path"));
    const char *suppressions = option_value("suppressions");
    if (suppressions)
        suppressions_load(suppressions);
}

static struct {
    bool known;
    uint64_t seed;
} harness_schedule;

void detector_apply_run_settings(const struct detector_run_settings *settings)
{
    harness_schedule.known = true;
    harness_schedule.seed = settings->seed;
    set_replay_hint(settings->replay_command);
    det.preempt_on_access = settings->preempt_on_access;
    det_update_checking();
}

void report_print_schedule(FILE *out)
{
    uint64_t seed = harness_schedule.seed;
    if (!harness_schedule.known && !schedule_source->env_seed(&seed))
        return;
    fprintf(out, "Schedule: seed 0x%llx, step %llu \xe2\x80\x94 replay: ",
            (unsigned long long)seed,
            (unsigned long long)schedule_source->step());
    if (replay_hint)
        fprintf(out, "%s\n", replay_hint);
    else
        fprintf(out, "WEFT_OPTIONS=seed=0x%llx %s\n", (unsigned long long)seed,
                program_invocation_name);
}
