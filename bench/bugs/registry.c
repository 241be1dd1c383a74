/* The bug set's registry (bugs.h). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "bugs.h"

enum { PROGRAMS_MAX = 64 };

static struct bug_program programs[PROGRAMS_MAX];
static size_t program_count;

void bug_register(const char *name, void (*body)(void))
{
    if (program_count == PROGRAMS_MAX)
        abort();
    programs[program_count++] = (struct bug_program){name, body};
}

static int by_name(const void *a, const void *b)
{
    return strverscmp(((const struct bug_program *)a)->name,
                      ((const struct bug_program *)b)->name);
}

const struct bug_program *bug_programs(size_t *count)
{
    qsort(programs, program_count, sizeof programs[0], by_name);
    *count = program_count;
    return programs;
}

static weft_waitgroup all_done;

static void run_then_done(void *arg)
{
    struct task *task = arg;
    task->fn(task->arg);
    weft_waitgroup_done(&all_done);
}

void go_many_then_one_and_wait(void (*many)(void *), void (*last)(void *),
                               int n)
{
    struct task *tasks = calloc((size_t)n, sizeof *tasks);
    for (int i = 0; i < n - 1; i++)
        tasks[i] = (struct task){many, NULL};
    tasks[n - 1] = (struct task){last, NULL};
    go_all_and_wait(tasks, n);
    free(tasks);
}

void go_all_and_wait(struct task *tasks, int count)
{
    weft_waitgroup_add(&all_done, count);
    for (int i = 0; i < count; i++)
        weft_go(run_then_done, &tasks[i]);
    weft_waitgroup_wait(&all_done);
}
