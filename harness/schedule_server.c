/*
 * The schedule server (run.h): one forked process that runs schedule after
 * schedule, each from the state a fresh fork would have, so exploring
 * pays a fork only when a schedule fails, hangs, crashes, or changes what
 * the snapshot cannot restore.
 *
 * The worker forks the server when it first needs one; the server takes
 * its snapshot (snapshot.h) and waits. For each schedule the worker puts
 * the request in the mailbox (shared memory: the request and the names it
 * points to), empties the output file and sends a byte. The server runs
 * it as a forked schedule would (schedule_execute), with the same output
 * file as its stdout and stderr. Then:
 *  - a schedule that fails ends the server as it would end a fork (exit,
 *    _exit, a signal): the worker reads the wait status, exactly as for a
 *    fork, and starts another server for the next schedule;
 *  - one that passes, in a process that can go back to the snapshot,
 *    answers 'P' and goes back; one that cannot exits (status 0, a pass)
 *    and the worker says why once, where asked.
 * A server that dies between schedules (before it took the next request,
 * which it marks in the mailbox) is the server's failure, not the
 * schedule's: that request runs in a fork.
 *
 * Invariants: the server is a child of the worker, in its own process
 * group (children.c), so an interrupt or the time limit ends it with what
 * it started; the decision log and the mailbox are shared maps made
 * before the server was forked, at the same addresses in both; the test
 * body and the log are those the server was started for (another pair
 * restarts it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "detector.h"
#include "harness_hooks.h"
#include "heap.h"
#include "run.h"
#include "saturate.h"
#include "snapshot.h"
#include "stack.h"

enum { NAME_BYTES = 4096 };

struct mailbox {
    struct schedule_request request;
    uint64_t generation; /* requests sent */
    uint64_t taken;      /* the generation the server took last */
    char program[NAME_BYTES];
    char test_name[NAME_BYTES];
    char program_args[NAME_BYTES];
    char why_not[160]; /* why the server could not start or go back */
};

static struct {
    pid_t pid; /* 0: none running */
    int pidfd;
    int channel; /* the worker's end of a socket pair to the server */
    int output;  /* the schedules' stdout and stderr */
    struct mailbox *mailbox;
    void (*body)(void);
    struct decision_log *log;
    bool unusable; /* this process cannot be snapshotted: forks only */
    bool told;     /* the one verbose note was printed */
} server;

/* ---- in the server ---- */

_Noreturn static void serve(int channel)
{
    struct mailbox *mailbox = server.mailbox;
    dup2(server.output, STDOUT_FILENO);
    dup2(server.output, STDERR_FILENO);
    runtime_prepare_reuse();
    /* libunwind opens a pipe on its first unwind and keeps it: let that be
     * before the snapshot, not in every schedule */
    uintptr_t pcs[4];
    stack_capture(pcs, 4, 0);
    /* the schedule heap mapped once, zeroed after each schedule */
    if (heap_reserve()) {
        size_t size;
        void *region = heap_region(&size);
        snapshot_scratch(region, size, heap_used);
    }
    /* the shadow is emptied as each run starts: no copy of it */
    detector_shadow_mark(snapshot_owned);
    snapshot_on_restore(detector_shadow_rewind);
    fflush(NULL);
    bool resumed;
    const char *why;
    if (!snapshot_take(&resumed, &why)) {
        snprintf(mailbox->why_not, sizeof mailbox->why_not, "%s", why);
        _exit(0);
    }
    char byte;
    if (read(channel, &byte, 1) != 1)
        _exit(0); /* the worker is done */
    mailbox->taken = mailbox->generation;
    schedule_execute(&mailbox->request);
    runtime_stop_limits();
    why = detector_races_found() ? "" : snapshot_unrestorable();
    if (why) {
        snprintf(mailbox->why_not, sizeof mailbox->why_not, "%s", why);
        exit(0); /* as a fork ends: exit handlers, the detector's status */
    }
    if (send(channel, "P", 1, MSG_NOSIGNAL) != 1)
        _exit(0);
    snapshot_restore();
}

/* ---- in the worker ---- */

static bool start(const struct schedule_request *request)
{
    int channel[2];
    server.mailbox = mmap(NULL, sizeof *server.mailbox, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (server.mailbox == MAP_FAILED) {
        server.mailbox = NULL;
        return false;
    }
    server.output = memfd_create("weft-schedules", MFD_CLOEXEC);
    if (server.output < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        if (server.output >= 0)
            close(server.output);
        munmap(server.mailbox, sizeof *server.mailbox);
        return false;
    }
    fflush(NULL);
    pid_t pid = children_spawn(CHILD_SCHEDULE);
    if (pid < 0)
        children_fork_failed("a schedule server");
    if (pid == 0) {
        close(channel[0]);
        serve(channel[1]);
    }
    close(channel[1]);
    server.pid = pid;
    server.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    server.channel = channel[0];
    server.body = request->body;
    server.log = request->log;
    return true;
}

static void forget(void)
{
    if (server.pidfd >= 0)
        close(server.pidfd);
    if (server.channel >= 0)
        close(server.channel);
    close(server.output);
    munmap(server.mailbox, sizeof *server.mailbox);
    server.pid = 0;
    server.mailbox = NULL;
}

/* Reaps the server (it has ended, or is ending); its wait status. */
static int reap(void)
{
    int status = 0;
    while (waitpid(server.pid, &status, 0) < 0 && errno == EINTR)
        ;
    children_end_schedule(server.pid);
    return status;
}

void schedule_server_stop(void)
{
    if (!server.pid)
        return;
    close(server.channel); /* the server reads the end and exits */
    server.channel = -1;
    reap();
    forget();
}

static bool eligible(const struct schedule_request *request)
{
    return !server.unusable && request->trace_fd <= 0 &&
           !request->forced_count && !request->postponed_count &&
           !request->sleep_count && !request->lock_target_length &&
           !request->creation_stacks &&
           (!request->program || strlen(request->program) < NAME_BYTES) &&
           (!request->test_name || strlen(request->test_name) < NAME_BYTES) &&
           (!request->program_args ||
            strlen(request->program_args) < NAME_BYTES);
}

static void post(const struct schedule_request *request)
{
    struct mailbox *m = server.mailbox;
    m->request = *request;
    if (request->program)
        m->request.program = strcpy(m->program, request->program);
    if (request->test_name)
        m->request.test_name = strcpy(m->test_name, request->test_name);
    if (request->program_args)
        m->request.program_args =
            strcpy(m->program_args, request->program_args);
    m->generation++;
    m->why_not[0] = '\0';
}

/* Says once, where asked, why a server ended without failing: a passing
 * schedule it could not go back from, or one it could not start. */
static void tell(bool verbose, const char *test, bool taken)
{
    const char *why = server.mailbox->why_not;
    if (!verbose || server.told || (taken && !why[0]))
        return;
    server.told = true;
    if (taken)
        fprintf(stderr,
                "weft: %s: a schedule %s; the next schedule starts from a "
                "fresh fork\n",
                test ? test : "test", why);
    else
        fprintf(stderr, "weft: %s: every schedule runs in a fork: %s\n",
                test ? test : "test",
                why[0] ? why : "the schedule server ended between schedules");
}

enum outcome { PASSED, ENDED, TIMED_OUT };

/* Waits for the server's answer or its end, up to timeout_ns. */
static enum outcome wait_for_server(int64_t timeout_ns, off_t *dropped_to)
{
    int64_t deadline = timeout_ns > 0
                           ? add_saturating(schedule_now_ns(), timeout_ns)
                           : INT64_MAX;
    for (;;) {
        int64_t left = deadline - schedule_now_ns();
        if (left <= 0)
            return TIMED_OUT;
        int ms = left > 10 * WEFT_MILLISECOND ? 10 : 1;
        struct pollfd p[2] = {{server.channel, POLLIN, 0},
                              {server.pidfd, POLLIN, 0}};
        int ready = poll(p, server.pidfd >= 0 ? 2 : 1, ms);
        if (ready > 0 && (p[0].revents & POLLIN)) {
            char answer;
            if (read(server.channel, &answer, 1) == 1 && answer == 'P')
                return PASSED;
            return ENDED;
        }
        if (ready > 0 && (p[0].revents | p[1].revents))
            return ENDED;
        siginfo_t info = {0};
        if (server.pidfd < 0 &&
            waitid(P_PID, (id_t)server.pid, &info,
                   WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid)
            return ENDED;
        schedule_output_trim(server.output, dropped_to);
    }
}

bool schedule_server_run(const struct schedule_request *request,
                         struct schedule_result *result, bool verbose)
{
    if (!eligible(request))
        return false;
    if (server.pid &&
        (server.body != request->body || server.log != request->log))
        schedule_server_stop();
    if (!server.pid && !start(request))
        return false;
    schedule_log_clear(request->log);
    ftruncate(server.output, 0);
    lseek(server.output, 0, SEEK_SET);
    post(request);
    if (send(server.channel, "r", 1, MSG_NOSIGNAL) != 1) {
        reap();
        forget();
        return false;
    }
    off_t dropped_to = 0;
    int64_t timeout_ns = request->timeout_ns > 0
                             ? request->timeout_ns + HANG_REPORT_GRACE_NS
                             : 0;
    enum outcome outcome = wait_for_server(timeout_ns, &dropped_to);
    if (outcome == PASSED) {
        schedule_finish(request, 0, false, server.output, result);
        return true;
    }
    if (outcome == TIMED_OUT) {
        kill(-server.pid, SIGKILL);
        kill(server.pid, SIGKILL);
    }
    int status = reap();
    bool taken = server.mailbox->taken == server.mailbox->generation;
    if (taken)
        schedule_finish(request, status, outcome == TIMED_OUT, server.output,
                        result);
    else /* it could not take its snapshot, or died going back to it */
        server.unusable = true;
    tell(verbose, request->test_name, taken);
    forget();
    return taken; /* not taken: the caller runs it in a fork */
}
