/*
 * The test runner inside every test binary (weft_test_main):
 *     BINARY [test] [TEST...] [options]   explore the tests
 *     BINARY replay --test T (--seed S [--strategy S] | --schedule STRING |
 *                             --schedule-file FILE)
 *     BINARY list
 * The `weft` command hands its arguments to it. Exit status: 0 clean,
 * 1 a bug found, 2 a usage error (with a one-line reason).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <time.h>
#include <unistd.h>

#include "children.h"
#include "env.h"
#include "harness.h"
#include "runner.h"

enum {
    EXIT_USAGE = 2,
    MAX_DECISIONS = 1 << 20,
    JOBS_MAX = 1024,
    SCHEDULE_FILE_MAX = 16 << 20,
};

static const char usage[] =
    "usage: %s [test] [TEST...] [--strategy S] [--iterations N | --time D]\n"
    "          [--seed S] [-j N] [--shard I/N] [--junit FILE] [--trace FILE]\n"
    "          [--max-steps N] [--keep-going] [--preempt-on-access]\n"
    "          [--no-lock-order] [--isolation persistent|fork] [--verbose]\n"
    "       %s replay --test T (--seed S [--strategy S] | --schedule STRING |\n"
    "          --schedule-file FILE)\n"
    "       %s list\n"
    "strategies: surw:abreast (the default), surw, pct[:D], pos, random,\n"
    "          dfs[:B]\n";

_Noreturn static void fail_usage(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("weft: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(EXIT_USAGE);
}

struct runner_options {
    struct weft_explore_options explore;
    const char *tests[256];
    size_t test_count;
    const char *junit;
    FILE *junit_file; /* opened before the first test: a bad path fails fast */
    bool seed_given;
    const char *schedule;
    const char *schedule_file;
};

static uint64_t parse_count(const char *flag, const char *text)
{
    uint64_t value;
    if (!text || !weft_parse_number(text, false, &value) || value == 0)
        fail_usage("%s expects a positive number, not '%s'", flag,
                   text ? text : "");
    return value;
}

static int64_t parse_duration(const char *text)
{
    char *end;
    double value = text ? strtod(text, &end) : 0;
    if (!text || end == text || value <= 0)
        fail_usage("--time expects a duration such as 30s, 5m or 500ms, not "
                   "'%s'",
                   text ? text : "");
    double unit = strcmp(end, "ms") == 0  ? 1e6
                  : strcmp(end, "s") == 0 ? 1e9
                  : strcmp(end, "m") == 0 ? 60e9
                  : strcmp(end, "h") == 0 ? 3600e9
                                          : 0;
    if (unit == 0)
        fail_usage("--time expects a unit (ms, s, m, h): '%s'", text);
    /* inf, nan, and what int64_t nanoseconds cannot hold (about 292
     * years) would end the budget before the first schedule: a false pass */
    double ns = value * unit;
    if (!isfinite(ns) || ns >= 0x1p63 || ns < 1)
        fail_usage("--time: '%s' is out of range (1ns to 2562047h)", text);
    return (int64_t)ns;
}

static void parse_shard(const char *text, struct weft_explore_options *o)
{
    /* digits only, in range: sscanf's %u would take "-1" and wrap */
    const char *slash = text ? strchr(text, '/') : NULL;
    char first[24] = "";
    if (slash && (size_t)(slash - text) < sizeof first)
        memcpy(first, text, (size_t)(slash - text));
    uint64_t index, count;
    if (!slash || !weft_parse_number(first, false, &index) ||
        !weft_parse_number(slash + 1, false, &count) || count == 0 ||
        count > UINT_MAX || index >= count)
        fail_usage("--shard expects I/N with 0 <= I < N, not '%s'",
                   text ? text : "");
    o->shard_index = (unsigned)index;
    o->shard_count = (unsigned)count;
}

static bool takes_value(const char *flag)
{
    static const char *flags[] = {
        "--strategy",      "--iterations", "--time",
        "--seed",          "-j",           "--jobs",
        "--shard",         "--junit",      "--trace",
        "--max-steps",     "--test",       "--schedule",
        "--schedule-file", "--isolation",
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (strcmp(flag, flags[i]) == 0)
            return true;
    return false;
}

static void add_test_name(struct runner_options *r, const char *name)
{
    if (r->test_count == sizeof r->tests / sizeof *r->tests)
        fail_usage("too many test names (at most %zu)",
                   sizeof r->tests / sizeof *r->tests);
    r->tests[r->test_count++] = name;
}

static void parse_options(int argc, char **argv, int first,
                          struct runner_options *r)
{
    struct weft_explore_options *o = &r->explore;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (arg[0] != '-') {
            add_test_name(r, arg);
            continue;
        }
        /* --flag=value, as well as --flag value */
        char flag[32];
        const char *equals = strchr(arg, '=');
        bool joined = equals && strncmp(arg, "--", 2) == 0;
        if (joined) {
            snprintf(flag, sizeof flag, "%.*s", (int)(equals - arg), arg);
            if (!takes_value(flag))
                fail_usage("unknown option '%s' (--help lists them)", arg);
            arg = flag;
            value = equals + 1;
        }
        if (strcmp(arg, "--keep-going") == 0) {
            o->keep_going = true;
            continue;
        }
        if (strcmp(arg, "--preempt-on-access") == 0) {
            o->preempt_on_access = true;
            continue;
        }
        if (strcmp(arg, "--no-lock-order") == 0) {
            o->no_lock_order = true;
            continue;
        }
        if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
            o->verbose = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            printf(usage, argv[0], argv[0], argv[0]);
            exit(0);
        }
        if (!takes_value(arg))
            fail_usage("unknown option '%s' (--help lists them)", arg);
        if (!value)
            fail_usage("%s needs a value", arg);
        if (!joined)
            i++;
        if (strcmp(arg, "--strategy") == 0) {
            struct strategy_spec spec;
            if (!strategy_spec_parse(value, &spec))
                fail_usage("unknown strategy '%s' (surw, surw:abreast, "
                           "pct[:D], pos, random, dfs[:B])",
                           value);
            o->strategy = value;
        } else if (strcmp(arg, "--iterations") == 0) {
            o->iterations = parse_count(arg, value);
        } else if (strcmp(arg, "--time") == 0) {
            o->time_budget_ns = parse_duration(value);
        } else if (strcmp(arg, "--seed") == 0) {
            if (!weft_parse_number(value, false, &o->seed))
                fail_usage("bad seed '%s': expected a number such as "
                           "0x5eed1234",
                           value);
            r->seed_given = true;
        } else if (strcmp(arg, "-j") == 0 || strcmp(arg, "--jobs") == 0) {
            uint64_t jobs = parse_count(arg, value);
            if (jobs > JOBS_MAX)
                fail_usage("%s expects 1 to %d workers, not '%s'", arg,
                           JOBS_MAX, value);
            o->jobs = (unsigned)jobs;
        } else if (strcmp(arg, "--shard") == 0) {
            parse_shard(value, o);
        } else if (strcmp(arg, "--junit") == 0) {
            r->junit = value;
        } else if (strcmp(arg, "--trace") == 0) {
            o->trace_path = value;
        } else if (strcmp(arg, "--max-steps") == 0) {
            o->max_steps = parse_count(arg, value);
        } else if (strcmp(arg, "--test") == 0) {
            add_test_name(r, value);
        } else if (strcmp(arg, "--schedule") == 0) {
            r->schedule = value;
        } else if (strcmp(arg, "--schedule-file") == 0) {
            r->schedule_file = value;
        } else if (strcmp(arg, "--isolation") == 0) {
            if (strcmp(value, "persistent") == 0)
                o->isolation = WEFT_ISOLATION_PERSISTENT;
            else if (strcmp(value, "fork") == 0)
                o->isolation = WEFT_ISOLATION_FORK;
            else
                fail_usage("--isolation expects persistent or fork, not '%s'",
                           value);
        } else {
            fail_usage("unknown option '%s' (--help lists them)", arg);
        }
    }
}

static const struct registered_test *find_or_fail(const char *name)
{
    const struct registered_test *test = test_find(name);
    if (!test)
        fail_usage("unknown test '%s' (list shows the tests)", name);
    return test;
}

/* ---- list ---- */

static int list_tests(void)
{
    for (size_t i = 0; i < tests_count(); i++)
        printf("%s\n", test_at(i)->name);
    return 0;
}

/* ---- replay ---- */

/* The first line of a schedule file, without its end: no longer than
 * SCHEDULE_FILE_MAX (a million decisions' string is at most some 8 MiB), so
 * that a device that never ends (/dev/zero) or a line that does not is
 * refused rather than read until memory runs out. */
static char *read_schedule_file(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file)
        fail_usage("cannot read schedule file %s: %s", path, strerror(errno));
    char *text = malloc(SCHEDULE_FILE_MAX + 1);
    if (!text)
        fail_usage("out of memory for schedule file %s", path);
    size_t length = 0;
    int c;
    while ((c = getc(file)) != EOF && c != '\n') {
        if (c == '\0')
            fail_usage("corrupt schedule file %s: a NUL byte in the schedule",
                       path);
        if (length == SCHEDULE_FILE_MAX)
            fail_usage("corrupt schedule file %s: its line is longer than "
                       "%d MiB",
                       path, SCHEDULE_FILE_MAX >> 20);
        text[length++] = (char)c;
    }
    if (ferror(file)) /* a directory, say */
        fail_usage("cannot read schedule file %s: %s", path, strerror(errno));
    if (c == EOF && length == 0)
        fail_usage("schedule file %s is empty", path);
    fclose(file);
    text[length] = '\0';
    text[strcspn(text, "\r")] = '\0';
    return text;
}

static size_t load_schedule(const struct runner_options *r,
                            struct decision *decisions)
{
    char *text = NULL;
    if (r->schedule_file)
        text = read_schedule_file(r->schedule_file);
    const char *error = NULL;
    long count = schedule_decode(text ? text : r->schedule, decisions,
                                 MAX_DECISIONS, &error);
    if (count < 0)
        fail_usage("corrupt schedule%s%s: %s", r->schedule_file ? " file " : "",
                   r->schedule_file ? r->schedule_file : "", error);
    free(text);
    return (size_t)count;
}

/* what replay commands repeat after the program's name (runner.h) */
static const char *replay_args;

void runner_set_replay_args(const char *args)
{
    replay_args = args;
}

static int replay(const char *program, struct runner_options *r)
{
    if (r->test_count == 0)
        fail_usage("replay needs --test NAME");
    if (r->test_count > 1)
        fail_usage("replay runs one test, not '%s' and '%s'", r->tests[0],
                   r->tests[1]);
    const struct registered_test *test = find_or_fail(r->tests[0]);
    struct weft_explore_options *given = &r->explore;
    const char *exploring = r->junit                ? "--junit"
                            : given->trace_path     ? "--trace"
                            : given->iterations     ? "--iterations"
                            : given->time_budget_ns ? "--time"
                            : given->jobs           ? "-j"
                            : given->shard_count    ? "--shard"
                            : given->keep_going     ? "--keep-going"
                                                    : NULL;
    if (exploring)
        fail_usage("replay runs one schedule: %s is for weft test", exploring);
    bool by_schedule = r->schedule || r->schedule_file;
    if (by_schedule == r->seed_given)
        fail_usage("replay needs either --seed or --schedule/--schedule-file");
    struct weft_explore_options *o = &r->explore;
    explore_defaults(o);
    struct strategy_spec spec = {.kind = STRATEGY_RANDOM, .depth = 0};
    if (o->strategy)
        strategy_spec_parse(o->strategy, &spec);
    else if (by_schedule)
        spec = (struct strategy_spec){.kind = STRATEGY_DFS, .depth = 0};
    if (spec.kind == STRATEGY_PCT && spec.steps == 0)
        fail_usage("replay a pct schedule with its strategy as printed, "
                   "pct:D:K");
    if ((spec.kind == STRATEGY_DFS || spec.kind == STRATEGY_CONFIRM) &&
        !by_schedule)
        fail_usage("%s schedules are replayed with --schedule",
                   spec.kind == STRATEGY_DFS ? "dfs" : "confirm");
    struct decision *forced = NULL;
    size_t forced_count = 0;
    if (by_schedule) {
        forced = calloc(MAX_DECISIONS, sizeof *forced);
        forced_count = load_schedule(r, forced);
    }
    struct decision_log *log = decision_log_create(MAX_DECISIONS);
    o->test_name = test->name;
    o->replay_program = program;
    o->replay_args = replay_args;
    profile_fill(&spec, o, test->body, log);
    struct schedule_request request =
        explore_request(o, test->body, &spec, by_schedule ? 0 : o->seed, log);
    request.forced = forced;
    request.forced_count = forced_count;
    /* run and printed as in the report it replays */
    enum weft_verdict_kind kind = failure_replay(stderr, o, &request);
    free(forced);
    return kind == WEFT_PASS ? 0 : 1;
}

/* ---- test ---- */

struct outcome {
    const char *name;
    struct weft_verdict verdict;
    double seconds;
    char *report;
};

static void xml_escaped(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            if ((unsigned char)*text >= 0x20 || *text == '\n' || *text == '\t')
                fputc(*text, out);
        }
    }
}

static void write_junit(FILE *out, const char *program,
                        const struct outcome *outcomes, size_t count)
{
    size_t failures = 0;
    double total = 0;
    for (size_t i = 0; i < count; i++) {
        failures += outcomes[i].verdict.kind != WEFT_PASS;
        total += outcomes[i].seconds;
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n",
            count, failures, total);
    fprintf(out, "  <testsuite name=\"");
    xml_escaped(out, program);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n", count,
            failures, total);
    for (size_t i = 0; i < count; i++) {
        const struct outcome *o = &outcomes[i];
        fprintf(out, "    <testcase name=\"%s\" classname=\"", o->name);
        xml_escaped(out, program);
        fprintf(out, "\" time=\"%.3f\">\n", o->seconds);
        if (o->verdict.kind != WEFT_PASS) {
            fprintf(out, "      <failure type=\"%s\" message=\"%s\">",
                    weft_verdict_name(o->verdict.kind),
                    weft_verdict_name(o->verdict.kind));
            xml_escaped(out, o->report);
            fprintf(out, "</failure>\n");
        }
        fprintf(out, "      <system-out>%llu schedules</system-out>\n",
                (unsigned long long)o->verdict.schedules);
        fprintf(out, "    </testcase>\n");
    }
    fprintf(out, "  </testsuite>\n</testsuites>\n");
    fclose(out);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* With several tests, --trace FILE names one file per test, after it:
 * trace.json -> trace.NAME.json (each failing test has its own trace). */
static const char *trace_path_for(const char *path, const char *test,
                                  char *buffer, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        dot = base + strlen(base);
    if (snprintf(buffer, size, "%.*s.%s%s", (int)(dot - path), path, test,
                 dot) >= (int)size)
        fail_usage("--trace: the path for test '%s' is too long", test);
    return buffer;
}

/* True if path can be written, leaving no file behind that was not there. */
static bool writable(const char *path)
{
    bool existed = access(path, F_OK) == 0;
    FILE *file = fopen(path, "a");
    if (!file)
        return false;
    fclose(file);
    if (!existed)
        unlink(path);
    return true;
}

/* --junit and --trace paths are checked before any test runs, not
 * reported after all of them did. */
static void check_output_paths(struct runner_options *r,
                               const struct registered_test *const *selected,
                               size_t count)
{
    const char *trace = r->explore.trace_path;
    for (size_t i = 0; trace && i < count; i++) {
        char buffer[PATH_MAX];
        const char *path = count > 1 ? trace_path_for(trace, selected[i]->name,
                                                      buffer, sizeof buffer)
                                     : trace;
        if (!writable(path))
            fail_usage("cannot write the trace to %s: %s", path,
                       strerror(errno));
    }
    if (r->junit && !(r->junit_file = fopen(r->junit, "w")))
        fail_usage("cannot write %s: %s", r->junit, strerror(errno));
}

static int run_tests(const char *program, struct runner_options *r)
{
    const struct registered_test *selected[1024];
    size_t count = 0;
    if (r->test_count)
        for (size_t i = 0; i < r->test_count; i++)
            selected[count++] = find_or_fail(r->tests[i]);
    else
        for (size_t i = 0; i < tests_count() && count < 1024; i++)
            selected[count++] = test_at(i);
    if (count == 0)
        fail_usage("%s defines no tests (WEFT_TEST)", program);
    if (r->explore.strategy && strcmp(r->explore.strategy, "confirm") == 0)
        fail_usage("the confirm strategy only replays schedules (it needs "
                   "the lock-order cycle a test run found)");
    check_output_paths(r, selected, count);
    children_handle_interrupts();
    struct outcome *outcomes = calloc(count, sizeof *outcomes);
    size_t failed = 0;
    for (size_t i = 0; i < count; i++) {
        struct weft_explore_options o = r->explore;
        o.test_name = selected[i]->name;
        char trace_path[PATH_MAX];
        if (o.trace_path && count > 1)
            o.trace_path = trace_path_for(o.trace_path, o.test_name, trace_path,
                                          sizeof trace_path);
        o.replay_program = program;
        o.replay_args = replay_args;
        size_t report_size = 0;
        o.report_file = open_memstream(&outcomes[i].report, &report_size);
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        children_note_progress(o.test_name, i, failed, count);
        fprintf(stderr, "=== RUN   %s\n", o.test_name);
        outcomes[i].name = o.test_name;
        outcomes[i].verdict = weft_explore(selected[i]->body, &o);
        outcomes[i].seconds = seconds_since(&start);
        fclose(o.report_file);
        fputs(outcomes[i].report, stderr);
        const struct weft_verdict *v = &outcomes[i].verdict;
        if (v->kind == WEFT_PASS)
            fprintf(stderr, "ok    %s: %llu schedules, no failure (%.2f s)\n",
                    o.test_name,
                    (unsigned long long)(v->distinct_schedules
                                             ? v->distinct_schedules
                                             : v->schedules),
                    outcomes[i].seconds);
        else
            fprintf(stderr, "FAIL  %s: %s\n", o.test_name,
                    weft_verdict_name(v->kind));
        failed += v->kind != WEFT_PASS;
    }
    if (r->junit_file)
        write_junit(r->junit_file, program, outcomes, count);
    fprintf(stderr, "%s: %zu of %zu tests failed\n", failed ? "FAIL" : "PASS",
            failed, count);
    for (size_t i = 0; i < count; i++)
        free(outcomes[i].report);
    free(outcomes);
    return failed ? 1 : 0;
}

/* Reports print addresses, and a replay must print the same bytes as the
 * exploration that found the schedule: run without address-space
 * randomisation, re-executing once to get there (as TSan does). */
void runner_without_aslr(char **argv)
{
    int persona = personality(0xffffffff);
    if (persona < 0 || (persona & ADDR_NO_RANDOMIZE))
        return;
    if (personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0)
        return;
    execv("/proc/self/exe", argv);
    /* not fatal: replays are still exact, only addresses may differ */
}

int weft_test_main(int argc, char **argv)
{
    runner_without_aslr(argv);
    const char *program = argc > 0 ? argv[0] : "test";
    const char *command = argc > 1 ? argv[1] : "test";
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
        strcmp(command, "help") == 0) {
        printf(usage, program, program, program);
        return 0;
    }
    if (strcmp(command, "--weft-handshake") == 0) {
        /* the count: a binary that registers nothing is refused */
        printf("weft test binary 1 tests %zu\n", tests_count());
        return 0;
    }
    weft_env_options(); /* a bad WEFT_OPTIONS is a usage error, said once */
    int first = 2;
    if (command[0] == '-') { /* options only: test everything */
        command = "test";
        first = 1;
    }
    struct runner_options r = {0};
    if (strcmp(command, "list") == 0) {
        if (argc > 2)
            fail_usage("list takes no arguments: '%s'", argv[2]);
        return list_tests();
    }
    if (strcmp(command, "replay") == 0) {
        parse_options(argc, argv, first, &r);
        return replay(program, &r);
    }
    if (strcmp(command, "test") != 0)
        first = 1; /* plain test names */
    parse_options(argc, argv, first, &r);
    return run_tests(program, &r);
}
