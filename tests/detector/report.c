#define _GNU_SOURCE /* program_invocation_name */
/* The race report, line by line: both stacks with function and line, the
 * creation stack, the disassembled access, the schedule line; each pair of
 * sites reported once; suppressions; the exit status. Run with
 * WEFT_OPTIONS=seed=0x5eed1234 (see CMakeLists.txt). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "race_test.h"
#include "report.h"

static int shared;

static void writer_inner(void)
{
    shared = 1; /* line:write */
}

static void writer(void *arg)
{
    (void)arg;
    writer_inner(); /* line:call */
}

/* The writer finishes before main reads; its end orders nothing. */
static void race_main(void *arg)
{
    (void)arg;
    weft_go(writer, NULL); /* line:go */
    while (weft_goroutine_count() > 1)
        weft_yield();
    int seen = shared; /* line:read */
    (void)seen;
}

/* An int array written in a loop by one goroutine, one element read by
 * another: the write of that element is the previous access, though the
 * loop's writes to the word share a cell. */
static int elements[4] __attribute__((aligned(8)));

static void fill_elements(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++)
        ((volatile int *)elements)[i] = i;
}

static void loop_race_main(void *arg)
{
    (void)arg;
    weft_go(fill_elements, NULL);
    while (weft_goroutine_count() > 1)
        weft_yield();
    int seen = ((volatile int *)elements)[3];
    (void)seen;
}

static void loop_race(void)
{
    weft_run(loop_race_main, NULL, NULL);
}

/* The line of this file holding marker. */
static int line_of(const char *marker)
{
    FILE *f = fopen(WEFT_SOURCE_DIR "/tests/detector/report.c", "r");
    cr_assert(f);
    char text[512];
    for (int line = 1; fgets(text, sizeof text, f); line++) {
        if (strstr(text, marker) && !strstr(text, "line_of")) {
            fclose(f);
            return line;
        }
    }
    fclose(f);
    cr_assert_fail("no marker %s", marker);
    return 0;
}

static void one_race(void)
{
    weft_run(race_main, NULL, NULL);
}

static void same_race_twice(void)
{
    weft_run(race_main, NULL, NULL);
    weft_run(race_main, NULL, NULL);
    printf("races found: %llu\n", (unsigned long long)detector_races_found());
}

static void race_then_exit(void)
{
    weft_run(race_main, NULL, NULL);
    exit(0);
}

static void suppressed_race_then_exit(void)
{
    char path[] = "/tmp/weft-suppressions-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("# the writer is known to race\nrace:writer_inner\n", f);
    fclose(f);
    suppressions_load(path);
    unlink(path);
    weft_run(race_main, NULL, NULL);
    printf("races found: %llu\n", (unsigned long long)detector_races_found());
    exit(0);
}

/* The next line of out, copied into line (without its newline). */
static const char *next_line(const char **out, char *line, size_t size)
{
    const char *end = strchr(*out, '\n');
    cr_assert(end, "output ended early");
    size_t n = (size_t)(end - *out);
    cr_assert(n < size);
    memcpy(line, *out, n);
    line[n] = '\0';
    *out = end + 1;
    return line;
}

Test(report, shows_both_stacks_creation_access_and_schedule)
{
    struct child_result r;
    child_run(one_race, &r);
    const char *out = r.output;
    char line[512], expected[512], address[32];
    cr_assert_str_eq(next_line(&out, line, sizeof line), "==================");
    cr_assert_str_eq(next_line(&out, line, sizeof line), "WARNING: DATA RACE");

    next_line(&out, line, sizeof line);
    cr_assert_eq(
        sscanf(line, "Read of size 4 at %31s by goroutine 1:", address), 1,
        "%s", line);
    snprintf(expected, sizeof expected,
             "  race_main() tests/detector/report.c:%d", line_of("line:read"));
    cr_assert_str_eq(next_line(&out, line, sizeof line), expected);
    next_line(&out, line, sizeof line);
    cr_assert(strncmp(line, "  access: mov eax, dword ptr [rip + 0x", 38) == 0,
              "%s", line);

    snprintf(expected, sizeof expected,
             "Previous write of size 4 at %s by goroutine 2:", address);
    cr_assert_str_eq(next_line(&out, line, sizeof line), expected);
    snprintf(expected, sizeof expected,
             "  writer_inner() tests/detector/report.c:%d",
             line_of("line:write"));
    cr_assert_str_eq(next_line(&out, line, sizeof line), expected);
    snprintf(expected, sizeof expected, "  writer() tests/detector/report.c:%d",
             line_of("line:call"));
    cr_assert_str_eq(next_line(&out, line, sizeof line), expected);

    cr_assert_str_eq(next_line(&out, line, sizeof line),
                     "Goroutine 2 (finished) created at:");
    snprintf(expected, sizeof expected,
             "  race_main() tests/detector/report.c:%d", line_of("line:go"));
    cr_assert_str_eq(next_line(&out, line, sizeof line), expected);

    next_line(&out, line, sizeof line);
    unsigned long long step;
    char replay[256];
    cr_assert_eq(sscanf(line,
                        "Schedule: seed 0x5eed1234, step %llu \xe2\x80\x94 "
                        "replay: WEFT_OPTIONS=seed=0x5eed1234 %255s",
                        &step, replay),
                 2, "%s", line);
    /* argv[0]: Criterion's workers name themselves boxfort-worker */
    cr_assert_str_eq(replay, program_invocation_name);
    cr_assert_str_eq(next_line(&out, line, sizeof line), "==================");
    cr_assert_str_eq(out, "");
}

Test(report, each_pair_of_sites_is_reported_once)
{
    struct child_result r;
    child_run(same_race_twice, &r);
    const char *first = strstr(r.output, "WARNING: DATA RACE");
    cr_assert(first);
    cr_assert_null(strstr(first + 1, "WARNING: DATA RACE"), "%s", r.output);
    cr_assert(strstr(r.output, "races found: 1\n"), "%s", r.output);
}

Test(report, races_make_the_exit_status_66)
{
    struct child_result r;
    child_run(race_then_exit, &r);
    cr_assert_eq(r.exit_status, 66, "%d: %s", r.exit_status, r.output);
}

Test(report, suppressed_races_are_neither_shown_nor_counted)
{
    struct child_result r;
    child_run(suppressed_race_then_exit, &r);
    cr_assert_null(strstr(r.output, "DATA RACE"), "%s", r.output);
    cr_assert_str_eq(r.output, "races found: 0\n");
    cr_assert_eq(r.exit_status, 0);
}

Test(report, names_the_exact_previous_access_of_a_loop)
{
    struct child_result r;
    child_run(loop_race, &r);
    char expected[128];
    snprintf(expected, sizeof expected,
             "Read of size 4 at %p by goroutine 1:\n"
             "  loop_race_main() tests/detector/report.c:",
             (void *)&elements[3]);
    cr_assert(strstr(r.output, expected), "%s", r.output);
    snprintf(expected, sizeof expected,
             "Previous write of size 4 at %p by goroutine 2:\n"
             "  fill_elements() tests/detector/report.c:",
             (void *)&elements[3]);
    cr_assert(strstr(r.output, expected), "%s", r.output);
}
