/*
 * The harness's child processes: see children.h.
 *
 * Invariants: a child is registered before SIGINT/SIGTERM can be handled
 * (they are blocked from before fork until it is); a schedule's pid is its
 * process group's id, and the group is killed when the schedule ends, so a
 * test's own children end with it; every child has PR_SET_PDEATHSIG, so
 * even a SIGKILL of the runner leaves no schedule or worker running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "children.h"

enum { WORKERS_MAX = 1024, FORK_TRIES = 8 };

static struct {
    pid_t schedule; /* this process's running schedule, or 0 */
    pid_t workers[WORKERS_MAX];
    size_t worker_count;
    bool is_worker;
    const char *test;
    size_t finished, failed, total;
} children;

static void block_interrupts(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void become(enum child_role role, pid_t parent)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (role == CHILD_SCHEDULE) {
        setpgid(0, 0);
        children.schedule = 0;
    } else {
        children.is_worker = true;
        children.worker_count = 0;
        children.schedule = 0;
        children_handle_interrupts();
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* it died before prctl */
        _exit(1);
}

static void registered(enum child_role role, pid_t pid)
{
    if (role == CHILD_SCHEDULE) {
        setpgid(pid, pid); /* as the child does: whichever runs first */
        children.schedule = pid;
    } else if (children.worker_count < WORKERS_MAX) {
        children.workers[children.worker_count++] = pid;
    }
}

pid_t children_spawn(enum child_role role)
{
    pid_t parent = getpid();
    struct timespec pause = {0, 1000000};
    for (int attempt = 0;; attempt++) {
        sigset_t old;
        block_interrupts(&old);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            become(role, parent);
        else if (pid > 0)
            registered(role, pid);
        int saved = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        errno = saved;
        /* out of processes for a moment (EAGAIN) or of memory: wait for
         * others to end, up to about a quarter of a second in all */
        if (pid >= 0 || (errno != EAGAIN && errno != ENOMEM) ||
            attempt + 1 == FORK_TRIES)
            return pid;
        nanosleep(&pause, NULL);
        pause.tv_nsec *= 2;
    }
}

static void kill_schedule(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

void children_end_schedule(pid_t pid)
{
    kill(-pid, SIGKILL); /* the group outlives its reaped leader */
    if (children.schedule == pid)
        children.schedule = 0;
}

void children_end_worker(pid_t pid)
{
    for (size_t i = 0; i < children.worker_count; i++)
        if (children.workers[i] == pid) {
            children.workers[i] = children.workers[--children.worker_count];
            return;
        }
}

static void stop_workers(void)
{
    for (size_t i = 0; i < children.worker_count; i++)
        kill(children.workers[i], SIGTERM);
    for (size_t i = 0; i < children.worker_count; i++)
        waitpid(children.workers[i], NULL, 0);
}

void children_stop_workers(void)
{
    stop_workers();
    children.worker_count = 0;
}

/* ---- the interrupt: async-signal-safe from here on ---- */

static void say(const char *text)
{
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;
}

static void say_number(size_t n)
{
    char digits[24];
    size_t i = sizeof digits - 1;
    digits[i] = '\0';
    do
        digits[--i] = (char)('0' + n % 10);
    while ((n /= 10) && i > 0);
    say(digits + i);
}

static void on_interrupt(int signal_number)
{
    if (children.schedule) {
        kill_schedule(children.schedule);
        waitpid(children.schedule, NULL, 0);
    }
    stop_workers();
    if (!children.is_worker) {
        say("\nweft: interrupted by ");
        say(signal_number == SIGINT ? "SIGINT" : "SIGTERM");
        if (children.test) {
            say(" while testing ");
            say(children.test);
        }
        say(": ");
        say_number(children.finished);
        say(" of ");
        say_number(children.total);
        say(" tests finished, ");
        say_number(children.failed);
        say(" failed; no verdict for the rest\n");
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void children_handle_interrupts(void)
{
    struct sigaction action = {.sa_handler = on_interrupt};
    sigfillset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

void children_note_progress(const char *test, size_t finished, size_t failed,
                            size_t total)
{
    children.test = test;
    children.finished = finished;
    children.failed = failed;
    children.total = total;
}

_Noreturn void children_fork_failed(const char *what)
{
    fprintf(stderr, "weft: cannot start %s: fork: %s (no verdict)\n", what,
            strerror(errno));
    exit(2);
}
