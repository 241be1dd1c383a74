/*
 * A race build whose failure is minimised through schedules that run to
 * the step limit, then a test of the memory of the process that ran them:
 * the test runner, the parent of every schedule (issue 19). Compiled with
 * -fsanitize=thread, so every atomic load is a scheduling point.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

/* ---- a relaxed flag orders nothing: only a preemption lets the writer
 * run, and without one the reader spins to the step limit ---- */

static atomic_int ready;
int published; /* not static: the compiler keeps its accesses */
static weft_waitgroup done;

static void publish(void *arg)
{
    (void)arg;
    published = 1;
    atomic_store_explicit(&ready, 1, memory_order_relaxed);
    weft_waitgroup_done(&done);
}

static void spin_until_published(void *arg)
{
    (void)arg;
    weft_go(publish, NULL);
    while (!atomic_load_explicit(&ready, memory_order_relaxed))
        ;
    weft_assert(published == 1, "published is %d", published);
    weft_waitgroup_done(&done);
}

WEFT_TEST(relaxed_flag_race)
{
    weft_waitgroup_add(&done, 2);
    weft_go(spin_until_published, NULL);
    weft_waitgroup_wait(&done);
}

/* ---- runs after it: the runner kept nothing of those schedules ---- */

/* A "Vm...:" line of the runner's /proc status, in kB; -1 if missing. */
static long runner_status_kb(const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)getppid());
    FILE *status = fopen(path, "r");
    if (!status)
        return -1;
    long kb = -1;
    size_t length = strlen(field);
    while (fgets(line, sizeof line, status))
        if (strncmp(line, field, length) == 0 && line[length] == ':')
            sscanf(line + length + 1, "%ld", &kb);
    fclose(status);
    return kb;
}

/* about 6 MB at the start; a schedule's hundred thousands of decisions
 * kept by the runner took it past 250 MB */
enum { RUNNER_LIMIT_KB = 64 * 1024 };

WEFT_TEST(runner_memory_stays_small)
{
    long resident = runner_status_kb("VmRSS"), peak = runner_status_kb("VmHWM");
    weft_assert(resident > 0 && resident < RUNNER_LIMIT_KB,
                "the runner's VmRSS is %ld kB", resident);
    weft_assert(peak > 0 && peak < RUNNER_LIMIT_KB,
                "the runner's VmHWM is %ld kB", peak);
}
