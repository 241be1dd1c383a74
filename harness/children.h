/*
 * The processes the harness starts (children.c): schedules, each in its
 * own process group, and the workers of `-j N`. One place knows them, so
 * that an interrupt, a timeout or the end of a schedule ends all of them
 * and nothing is left behind, and a fork that fails is retried, never
 * ignored.
 */
#ifndef WEFT_HARNESS_CHILDREN_H
#define WEFT_HARNESS_CHILDREN_H

#include <stddef.h>
#include <sys/types.h>

enum child_role {
    CHILD_SCHEDULE, /* runs one schedule; its own process group */
    CHILD_WORKER,   /* runs schedules of its own (-j N) */
};

/* Forks a child of role, retrying while the system is out of processes;
 * -1 (errno set) when it still fails. In the parent the child is
 * registered (so an interrupt kills it) before any signal is handled; the
 * child dies with its parent. */
pid_t children_spawn(enum child_role role);

/* The schedule pid has been reaped: kills what it left in its group (a
 * test's own children) and forgets it. */
void children_end_schedule(pid_t pid);

/* A worker pid has been reaped: forgets it. */
void children_end_worker(pid_t pid);

/* Ends the workers started so far (SIGTERM: each ends its schedule) and
 * reaps them. */
void children_stop_workers(void);

/* SIGINT/SIGTERM to this process end every child it started (schedules
 * with their groups, workers with theirs), print one summary line, and
 * end the process by that signal. */
void children_handle_interrupts(void);

/* What the summary line of an interrupt says: the test running, and how
 * many of the tests have finished and failed. */
void children_note_progress(const char *test, size_t finished, size_t failed,
                            size_t total);

/* Exits with a one-line error: a fork that kept failing. */
_Noreturn void children_fork_failed(const char *what);

#endif
