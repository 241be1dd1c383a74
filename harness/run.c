/*
 * Running one schedule: fork a copy of the pristine process, run the test
 * body as its main goroutine under the schedule's strategy with everything
 * it prints captured, wait (killing it past the time limit), classify.
 *
 * Isolation is the fork: every schedule starts from the state the process
 * had before exploring (globals, heap, descriptors), and a crash or a hang
 * ends only that copy. Output goes to a memfd, so a schedule that dies
 * mid-line still leaves everything it wrote.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "children.h"
#include "detector.h"
#include "exit_status.h"
#include "harness_hooks.h"
#include "replay_text.h"
#include "run.h"
#include "saturate.h"

static const struct schedule_request *current_request;

/* A test's sockets connect its own goroutines, and loopback traffic is in
 * the peer's socket when the sending call returns: a schedule in which
 * nothing is ready for this long is deadlocked (the kernel may defer some
 * of that work to a thread of its own under load: a margin for it). */
static const int64_t IO_GRACE_NS = 50 * WEFT_MILLISECOND;

/* Hands the first potential deadlock's locks to the parent, which may try
 * to confirm it. */
static void record_lock_cycle(struct decision_log *log)
{
    log->lock_cycle_length =
        runtime_lock_cycle(log->lock_cycle, LOCK_CYCLE_MAX);
}

static void fail_if_lock_cycles(void)
{
    if (runtime_lock_cycles_reported() > 0) {
        record_lock_cycle(current_request->log);
        exit(WEFT_EXIT_LOCK_ORDER); /* exit: a race reported at exit wins */
    }
}

static void test_main(void *arg)
{
    (void)arg;
    current_request->body();
    current_request->log->body_returned = 1;
    if (runtime_report_leaks(stderr) > 0) {
        fflush(NULL);
        _exit(WEFT_EXIT_LEAK);
    }
    fail_if_lock_cycles();
}

void schedule_end_by_exit(void)
{
    current_request->log->body_returned = 1;
    fail_if_lock_cycles();
    exit(0); /* exit: the detector reports a race at exit */
}

const char *replay_flags(bool preempt_on_access, bool lock_order)
{
    static const char *flags[2][2] = {
        {" --no-lock-order", ""},
        {" --preempt-on-access --no-lock-order", " --preempt-on-access"},
    };
    return flags[preempt_on_access][lock_order];
}

/* What a race report's "Schedule:" line offers: the replay command, into
 * command. */
static void describe_schedule(const struct schedule_request *request,
                              char *command, size_t size)
{
    char spec[32];
    strategy_spec_format(&request->spec, spec, sizeof spec);
    const char *program = request->program;
    const char *test = request->test_name ? request->test_name : "test";
    const char *flags =
        replay_flags(request->preempt_on_access, request->lock_order);
    bool by_schedule = replay_text_by_schedule(&request->spec) ||
                       request->forced_count;
    if (!program) { /* a program with its own main: weft_replay's text */
        char text[512];
        replay_text_format(
            text, sizeof text,
            &(struct replay_name){
                .spec = &request->spec,
                .by_schedule = by_schedule,
                .seed = request->seed,
                .schedule = "(the schedule string in the report below)",
                .preempt_on_access = request->preempt_on_access,
                .lock_order = request->lock_order,
            });
        snprintf(command, size, "weft_replay(%s, \"%s\")", test, text);
        return;
    }
    int length;
    if (by_schedule)
        length = snprintf(
            command, size,
            "weft replay %s --test %s%s --schedule (in the report below)",
            program, test, flags);
    else
        length =
            snprintf(command, size,
                     "weft replay %s --test %s%s --strategy %s --seed 0x%llx",
                     program, test, flags, spec,
                     (unsigned long long)request->seed);
    if (request->program_args && length >= 0 && (size_t)length < size)
        snprintf(command + length, size - (size_t)length, " -- %s",
                 request->program_args);
}

void schedule_execute(const struct schedule_request *request)
{
    struct schedule_strategy strategy;
    schedule_strategy_init(&strategy,
                           &(struct strategy_args){
                               .spec = &request->spec,
                               .seed = request->seed,
                               .sleep = request->sleep,
                               .sleep_count = request->sleep_count,
                           },
                           request->log);
    strategy.forced = request->forced;
    strategy.forced_count = request->forced_count;
    strategy.forced_by_key = request->forced_by_key;
    strategy.postponed = request->postponed;
    strategy.postponed_count = request->postponed_count;
    struct weft_config config = {.strategy = &strategy.base};
    if (request->trace_fd > 0) {
        FILE *trace = fdopen(request->trace_fd, "w");
        setvbuf(trace, NULL, _IOLBF, 0); /* a crash must not lose it */
        config.trace_file = trace;
        config.trace_locations = true;
    }
    current_request = request;
    struct runtime_run_settings settings = {
        .lock_order = request->lock_order,
        .lock_target = request->lock_target,
        .lock_target_length = request->lock_target_length,
        .creation_stacks = request->creation_stacks, /* for a leak report */
        /* a run with creation stacks is one whose report is shown */
        .report_unseen = !request->creation_stacks,
        .io_grace_ns = IO_GRACE_NS,
    };
    hang_report_settings(request, &settings);
    runtime_apply_run_settings(&settings);
    char replay_command[1024];
    describe_schedule(request, replay_command, sizeof replay_command);
    detector_apply_run_settings(&(struct detector_run_settings){
        .seed = request->seed,
        .replay_command = replay_command,
        .preempt_on_access = request->preempt_on_access,
    });
    /* last: from here on, what the schedule allocates lands at the same
     * addresses whichever process (test or replay) forked it */
    detector_start_schedule_heap();
    weft_run(test_main, NULL, &config);
    fflush(NULL);
}

_Noreturn static void child(const struct schedule_request *request, int output)
{
    dup2(output, STDOUT_FILENO);
    dup2(output, STDERR_FILENO);
    close(output);
    schedule_execute(request);
    exit(0); /* exit, not _exit: the detector reports at exit */
}

static int pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int64_t schedule_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * WEFT_SECOND + now.tv_nsec;
}

/* What is kept of a schedule's output: its head and its tail; the middle
 * of a test that writes without end is dropped as it comes (so neither the
 * memfd nor the runner grows with it). */
enum {
    OUTPUT_HEAD_BYTES = 1 << 20,
    OUTPUT_TAIL_BYTES = 1 << 20,
    PAGE_BYTES = 4096,
};
static const int64_t WAIT_SLICE_NS = 10 * WEFT_MILLISECOND;

/* Frees the output's middle, past what is kept; *dropped_to is the end of
 * what was freed so far. */
void schedule_output_trim(int output, off_t *dropped_to)
{
    off_t size = lseek(output, 0, SEEK_END);
    off_t from =
        *dropped_to > OUTPUT_HEAD_BYTES ? *dropped_to : OUTPUT_HEAD_BYTES;
    off_t to = (size - OUTPUT_TAIL_BYTES) / PAGE_BYTES * PAGE_BYTES;
    if (to - from < OUTPUT_HEAD_BYTES) /* not worth a call yet */
        return;
    if (fallocate(output, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from,
                  to - from) == 0)
        *dropped_to = to;
}

/* Waits up to a slice of at most slice_ns for pid to end; true once it
 * has (its status in *status). With a pidfd, poll wakes at the exit;
 * without one (pidfd_open refused: old kernels, seccomp), short sleeps. */
static bool reaped_within(pid_t pid, int pidfd, int64_t slice_ns, int *status)
{
    if (pidfd >= 0) {
        struct pollfd p = {pidfd, POLLIN, 0};
        int ms = (int)((slice_ns + WEFT_MILLISECOND - 1) / WEFT_MILLISECOND);
        if (poll(&p, 1, ms) == 0)
            return false;
    }
    for (int64_t pause_ns = 20000;; pause_ns *= 2) {
        pid_t reaped = waitpid(pid, status, WNOHANG);
        if (reaped == pid || (reaped < 0 && errno != EINTR))
            return true;
        if (pidfd >= 0 || slice_ns <= 0)
            return false;
        int64_t nap = pause_ns < slice_ns ? pause_ns : slice_ns;
        nanosleep(&(struct timespec){0, nap}, NULL);
        slice_ns -= nap;
    }
}

/* Waits for pid up to timeout_ns (on every path), keeping its output
 * bounded; kills its process group past the limit. */
static int wait_with_timeout(pid_t pid, int64_t timeout_ns, int output,
                             off_t *dropped_to, bool *timed_out)
{
    int status = 0;
    *timed_out = false;
    int64_t deadline =
        timeout_ns > 0 ? add_saturating(schedule_now_ns(), timeout_ns) : INT64_MAX;
    int pidfd = pidfd_open(pid);
    for (;;) {
        int64_t left = deadline - schedule_now_ns();
        int64_t slice = left < WAIT_SLICE_NS ? left : WAIT_SLICE_NS;
        bool reaped = reaped_within(pid, pidfd, slice > 0 ? slice : 0, &status);
        schedule_output_trim(output, dropped_to);
        if (reaped)
            break;
        if (schedule_now_ns() >= deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            *timed_out = true;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    children_end_schedule(pid);
    return status;
}

/* The output as kept: all of it, or its head, a line saying how much was
 * dropped, and its tail. */
static char *read_all(int fd, size_t *length)
{
    off_t size = lseek(fd, 0, SEEK_END);
    size = size > 0 ? size : 0;
    /* the middle, if any, is what drop_middle freed (it reads as zeros) */
    bool whole = size <= OUTPUT_HEAD_BYTES + OUTPUT_TAIL_BYTES;
    off_t head = whole ? size : OUTPUT_HEAD_BYTES;
    off_t tail_from = whole ? size : size - OUTPUT_TAIL_BYTES;
    char note[128] = "";
    if (tail_from > head)
        snprintf(note, sizeof note,
                 "\n[weft: %lld bytes of output dropped here; the first and "
                 "last %d KiB are kept]\n",
                 (long long)(tail_from - head), OUTPUT_HEAD_BYTES / 1024);
    size_t note_length = strlen(note), tail = (size_t)(size - tail_from);
    char *text = malloc((size_t)head + note_length + tail + 1);
    if (!text)
        abort();
    ssize_t n = pread(fd, text, (size_t)head, 0);
    size_t at = n > 0 ? (size_t)n : 0;
    memcpy(text + at, note, note_length);
    at += note_length;
    n = tail ? pread(fd, text + at, tail, tail_from) : 0;
    at += n > 0 ? (size_t)n : 0;
    text[at] = '\0';
    *length = at;
    return text;
}

static void append_output(struct schedule_result *result, const char *note)
{
    size_t extra = strlen(note);
    if (extra == 0)
        return;
    result->output = realloc(result->output, result->output_length + extra + 1);
    memcpy(result->output + result->output_length, note, extra + 1);
    result->output_length += extra;
}

void schedule_log_clear(struct decision_log *log)
{
    log->count = log->steps = 0;
    log->preemptions = log->option_count = 0;
    log->lock_cycle_length = 0;
    log->body_returned = 0;
}

void schedule_run(const struct schedule_request *request,
                  struct schedule_result *result)
{
    int output = memfd_create("weft-schedule", MFD_CLOEXEC);
    if (output < 0) {
        perror("weft: memfd_create");
        exit(2);
    }
    schedule_log_clear(request->log);
    pid_t pid = children_spawn(CHILD_SCHEDULE);
    if (pid < 0)
        children_fork_failed("a schedule");
    if (pid == 0)
        child(request, output);
    bool timed_out;
    /* the child reports its own time limit; this one is for a child that
     * cannot */
    int64_t deadline_ns = request->timeout_ns > 0
                              ? request->timeout_ns + HANG_REPORT_GRACE_NS
                              : 0;
    off_t dropped_to = 0;
    int status = wait_with_timeout(pid, deadline_ns, output, &dropped_to,
                                   &timed_out);
    schedule_finish(request, status, timed_out, output, result);
    close(output);
}

void schedule_finish(const struct schedule_request *request, int status,
                     bool timed_out, int output, struct schedule_result *result)
{
    result->output = read_all(output, &result->output_length);
    result->pruned = !timed_out && WIFEXITED(status) &&
                     WEXITSTATUS(status) == WEFT_EXIT_PRUNED;
    result->kind = timed_out || result->pruned
                       ? (result->pruned ? WEFT_PASS : WEFT_HANG)
                       : verdict_classify(status, result->output);
    char note[128] = "";
    if (result->kind == WEFT_PASS && !result->pruned &&
        !request->log->body_returned) {
        /* it exited midway: not a pass, as Go fails a test that calls
         * os.Exit(0) */
        result->kind = WEFT_PANIC;
        snprintf(note, sizeof note,
                 "panic: unexpected call to exit(0) during test (its body "
                 "did not return)\n");
    } else if (timed_out)
        snprintf(note, sizeof note,
                 "hang: the schedule exceeded its time limit and did not "
                 "report it (killed)\n");
    else if (WIFSIGNALED(status))
        snprintf(note, sizeof note, "crash: killed by signal %d (%s)\n",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    append_output(result, note);
}
