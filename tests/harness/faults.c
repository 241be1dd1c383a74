/*
 * Faults around the harness rather than in the test's logic: an
 * interrupted `weft`, a test that leaves processes behind, pidfd_open
 * refused, fork failing, a test that writes without end. The harness must
 * never pass what it did not test, nor leave a process behind. Runs
 * tests/harness/programs/faults.c's binary.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

#include "child.h"

struct outcome {
    int status; /* the exit status, or -1 */
    int signal; /* the signal that ended it, or 0 */
    char *output;
    size_t length;
};

static char marker[64];

/* A FAULTS_MARKER value unique to this test process: every process the
 * run starts inherits it, and the sleepers show it in their arguments. */
static const char *unique_marker(void)
{
    snprintf(marker, sizeof marker, "3000.%d", (int)getpid());
    return marker;
}

/* Starts argv (with FAULTS_MARKER and extra_env set) writing stdout and
 * stderr to a file; returns its pid. */
static pid_t start(char *const argv[], const char *const extra_env[],
                   FILE *capture)
{
    const char *marker_value = unique_marker();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FAULTS_MARKER", marker_value, 1);
        for (size_t i = 0; extra_env && extra_env[i]; i++)
            putenv(strdup(extra_env[i]));
        dup2(fileno(capture), 1);
        dup2(fileno(capture), 2);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static void finish(pid_t pid, FILE *capture, struct outcome *o)
{
    int status = 0;
    waitpid(pid, &status, 0);
    o->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    fseek(capture, 0, SEEK_END);
    o->length = (size_t)ftell(capture);
    rewind(capture);
    o->output = malloc(o->length + 1);
    o->length = fread(o->output, 1, o->length, capture);
    o->output[o->length] = '\0';
    fclose(capture);
}

static void run(char *const argv[], const char *const extra_env[],
                struct outcome *o)
{
    FILE *capture = tmpfile();
    finish(start(argv, extra_env, capture), capture, o);
}

/* Live processes (not zombies) whose environment holds this test's
 * marker: the runner, its workers, schedules, and what they started. */
static int marked_processes(void)
{
    char wanted[96];
    int wanted_length =
        snprintf(wanted, sizeof wanted, "FAULTS_MARKER=%s", marker);
    int count = 0;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    while ((entry = readdir(proc))) {
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/environ", entry->d_name);
        FILE *file = fopen(path, "r");
        if (!file)
            continue;
        static char environ_text[1 << 16];
        size_t n = fread(environ_text, 1, sizeof environ_text, file);
        fclose(file);
        if (memmem(environ_text, n, wanted, (size_t)wanted_length + 1))
            count++;
    }
    closedir(proc);
    return count;
}

/* Waits (up to a minute: SIGKILL is not instant) for no marked process;
 * returns how many there still are. */
static int marked_processes_after_they_end(void)
{
    int count = 0;
    for (int i = 0; i < 600 && (count = marked_processes()) > 0; i++)
        nanosleep(&(struct timespec){0, 100 * 1000000}, NULL);
    return count;
}

Test(faults, a_run_leaves_no_process_behind)
{
    char *argv[] = {FAULTS_BINARY,  "test", "leaves_children",
                    "--iterations", "3",    NULL};
    struct outcome o;
    run(argv, NULL, &o);
    cr_assert_eq(o.status, 0, "%s", o.output);
    cr_assert_eq(marked_processes_after_they_end(), 0,
                 "a test's children outlived its schedule");
}

static void expect_interrupt_ends_everything(int signal_number,
                                             const char *name)
{
    char *argv[] = {
        WEFT_COMMAND, "test", FAULTS_BINARY, "spins_after_one_schedule",
        "-j",         "2",    NULL};
    char flag[128], flag_env[160];
    snprintf(flag, sizeof flag, "%s/faults-flag.%d", TEST_BINARY_DIR,
             (int)getpid());
    snprintf(flag_env, sizeof flag_env, "FAULTS_FLAG=%s", flag);
    unlink(flag);
    const char *env[] = {flag_env, NULL};
    FILE *capture = tmpfile();
    pid_t pid = start(argv, env, capture);
    /* the runner, two workers, their schedules and those schedules'
     * sleepers: both workers are in a schedule. Under load a schedule may
     * reach its time limit first and be replaced, so wait for the moment
     * all seven are there rather than count once. */
    int seen = 0;
    for (int i = 0; i < 600 && (seen = marked_processes()) != 7; i++)
        nanosleep(&(struct timespec){0, 100 * 1000000}, NULL);
    cr_assert_eq(seen, 7);
    kill(pid, signal_number); /* to weft's pid only, as a shell's kill */
    struct outcome o;
    finish(pid, capture, &o);
    unlink(flag);
    cr_assert_eq(o.signal, signal_number, "%s", o.output);
    char summary[128];
    snprintf(
        summary, sizeof summary,
        "weft: interrupted by %s while testing spins_after_one_schedule: 0 of "
        "1 tests finished, 0 failed; no verdict for the rest\n",
        name);
    cr_assert(strstr(o.output, summary), "want %s in:\n%s", summary, o.output);
    cr_assert_eq(marked_processes_after_they_end(), 0,
                 "processes outlived weft");
}

Test(faults, sigint_to_weft_leaves_no_process_behind, .timeout = 120)
{
    expect_interrupt_ends_everything(SIGINT, "SIGINT");
}

Test(faults, sigterm_to_weft_leaves_no_process_behind, .timeout = 120)
{
    expect_interrupt_ends_everything(SIGTERM, "SIGTERM");
}

/* seccomp: pidfd_open fails with ENOSYS, as on older kernels. */
static void refuse_pidfd_open(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof filter / sizeof *filter, filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
        _exit(98);
}

static void spin_for_a_minute(void)
{
    time_t end = time(NULL) + 60;
    while (time(NULL) < end)
        ;
}

static void explore_a_hang_without_pidfd(void)
{
    refuse_pidfd_open();
    errno = 0;
    if (syscall(SYS_pidfd_open, getpid(), 0) >= 0 || errno != ENOSYS)
        _exit(97);
    struct weft_explore_options options = {
        .iterations = 1,
        .schedule_timeout_ns = 200 * WEFT_MILLISECOND,
        .report_file = fopen("/dev/null", "w"),
    };
    struct weft_verdict verdict = weft_explore(spin_for_a_minute, &options);
    printf("verdict: %s\n", weft_verdict_name(verdict.kind));
}

Test(faults, a_hang_times_out_when_pidfd_open_is_refused, .timeout = 50)
{
    struct child_result r;
    child_run(explore_a_hang_without_pidfd, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    cr_assert_str_eq(r.output, "verdict: hang\n");
}

/* fork fails midway (FORK_FAILS_AFTER forks succeed): no verdict, never a
 * pass. */
static void expect_fork_failure(const char *after, const char *line)
{
    char *argv[] = {FAULTS_BINARY, "test",         "passes", "-j",
                    "2",           "--iterations", "50",     NULL};
    char preload[512], forks[64];
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", FORK_FAILS_LIBRARY);
    snprintf(forks, sizeof forks, "FORK_FAILS_AFTER=%s", after);
    const char *env[] = {preload, forks, NULL};
    struct outcome o;
    run(argv, env, &o);
    cr_assert_eq(o.status, 2, "%s", o.output);
    cr_assert(strstr(o.output, line), "want %s in:\n%s", line, o.output);
    cr_assert(!strstr(o.output, "ok    passes"), "%s", o.output);
    cr_assert(!strstr(o.output, "PASS"), "%s", o.output);
}

Test(faults, a_worker_that_cannot_start_is_not_a_pass)
{
    expect_fork_failure("2", "weft: cannot start a worker: fork: Resource "
                             "temporarily unavailable (no verdict)\n");
}

Test(faults, a_worker_whose_schedules_cannot_start_is_not_a_pass)
{
    expect_fork_failure("3", "weft: a worker ended before its schedules did "
                             "(see above); no verdict\n");
}

Test(faults, a_flood_of_output_keeps_its_head_and_tail)
{
    char *argv[] = {FAULTS_BINARY,  "test", "writes_a_flood",
                    "--iterations", "1",    NULL};
    struct outcome o;
    run(argv, NULL, &o);
    cr_assert_eq(o.status, 1, "%.2000s", o.output);
    cr_assert(strstr(o.output, "FAIL  writes_a_flood: assertion failed\n"));
    cr_assert(strstr(o.output, "FLOOD HEAD\n"));
    cr_assert(strstr(o.output, "FLOOD TAIL\n"));
    cr_assert(strstr(o.output, " bytes of output dropped here; the first and "
                               "last 1024 KiB are kept]\n"));
    /* 40 MiB written; what is kept is about 2 MiB per copy shown */
    cr_assert_lt(o.length, 10u << 20, "%zu bytes", o.length);
    free(o.output);
}

/* Under ulimit -v the harness's own maps fail: a one-line error, exit 2,
 * not a SIGSEGV. */
static void explore_under_a_small_address_space(void)
{
    struct rlimit limit = {150000 * 1024, 150000 * 1024};
    if (setrlimit(RLIMIT_AS, &limit) != 0)
        _exit(98);
    struct weft_explore_options options = {.iterations = 1};
    weft_explore(spin_for_a_minute, &options);
    _exit(0);
}

Test(faults, a_map_that_fails_is_said_not_a_crash)
{
    struct child_result r;
    child_run(explore_under_a_small_address_space, &r);
    cr_assert_eq(r.exit_status, 2, "%s", r.output);
    cr_assert(strncmp(r.output, "weft: cannot map the decision log (", 35) == 0,
              "%s", r.output);
    cr_assert(strstr(r.output, "MiB): Cannot allocate memory\n"), "%s",
              r.output);
}
