/*
 * bug_search: how fast each strategy finds each bug of the set
 * (bench/bugs/): for every program and strategy, the median over base
 * seeds 1..SEEDS of the number of schedules `weft test` runs up to the
 * first failing one, with at most CAP schedules a search (not found:
 * ">CAP"). Prints a Markdown table, one row a program, and the number of
 * programs each strategy finds within the cap and its median over them.
 *
 *   bench_bug_search [--cap N] [--seeds N] [--strategies S,S,...]
 *                    [--programs P,P,...]
 *   bench_bug_search --summary [--cap N] [--seeds N]
 *
 * The strategies default to random, pct:2, pct:3, pos, surw and the
 * default portfolio ("default"). --summary runs the default portfolio
 * only and prints "FOUND TOTAL MEDIAN" for bench/run's bugs_found and
 * bugs_median rows: programs whose median is within the cap, all of
 * them, and the median of the medians. Searches run with the lock-order
 * check off, so that a deadlock is found by reaching it (with it, the
 * philosophers' cycle is reported in schedule 1 by every strategy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#include "bugs/bugs.h"

enum { NAMES_MAX = 16 };

struct settings {
    uint64_t cap;
    unsigned seeds;
    const char *strategies[NAMES_MAX];
    size_t strategy_count;
    const char *programs[NAMES_MAX * 4];
    size_t program_count;
    bool summary;
};

static FILE *quiet;

/* Schedules to the first failure of one search, or cap + 1. */
static uint64_t schedules_to_find(const struct bug_program *p,
                                  const char *strategy, uint64_t seed,
                                  uint64_t cap)
{
    struct weft_explore_options options = {
        .strategy = strcmp(strategy, "default") == 0 ? NULL : strategy,
        .iterations = cap,
        .seed = seed,
        .no_lock_order = true,
        .test_name = p->name,
        .report_file = quiet,
    };
    struct weft_verdict v = weft_explore(p->body, &options);
    return v.kind == WEFT_PASS ? cap + 1 : v.schedules;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The median of count values (the mean of the middle two for an even
 * count); cap + 1 when it is past the cap. */
static double median(uint64_t *values, size_t count, uint64_t cap)
{
    qsort(values, count, sizeof *values, by_value);
    uint64_t low = values[(count - 1) / 2], high = values[count / 2];
    if (high > cap)
        return (double)cap + 1;
    return ((double)low + (double)high) / 2;
}

/* The median over the seeds; it stops once half the searches have failed
 * to find it (the median is then past the cap whatever the rest do). */
static double median_over_seeds(const struct bug_program *p,
                                const char *strategy,
                                const struct settings *s)
{
    uint64_t *found = calloc(s->seeds, sizeof *found);
    unsigned missed = 0;
    for (unsigned k = 0; k < s->seeds; k++) {
        found[k] = missed * 2 >= s->seeds
                       ? s->cap + 1
                       : schedules_to_find(p, strategy, k + 1, s->cap);
        missed += found[k] > s->cap;
    }
    double m = median(found, s->seeds, s->cap);
    free(found);
    return m;
}

static void print_cell(double m, uint64_t cap)
{
    if (m > (double)cap)
        printf(" >%llu |", (unsigned long long)cap);
    else if (m == (double)(uint64_t)m)
        printf(" %llu |", (unsigned long long)m);
    else
        printf(" %.1f |", m);
}

static bool wanted(const struct settings *s, const char *name)
{
    if (s->program_count == 0)
        return true;
    for (size_t i = 0; i < s->program_count; i++)
        if (strcmp(s->programs[i], name) == 0)
            return true;
    return false;
}

static size_t split(char *list, const char **out, size_t max)
{
    size_t n = 0;
    for (char *item = strtok(list, ","); item && n < max;
         item = strtok(NULL, ","))
        out[n++] = item;
    return n;
}

static void parse(int argc, char **argv, struct settings *s)
{
    static const char *const strategies[] = {"random", "pct:2", "pct:3",
                                             "pos",    "surw",  "default"};
    *s = (struct settings){.cap = 10000, .seeds = 20};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(argv[i], "--summary") == 0) {
            s->summary = true;
            continue;
        }
        if (strcmp(argv[i], "--cap") == 0)
            s->cap = strtoull(value, NULL, 10);
        else if (strcmp(argv[i], "--seeds") == 0)
            s->seeds = (unsigned)strtoul(value, NULL, 10);
        else if (strcmp(argv[i], "--strategies") == 0)
            s->strategy_count = split(argv[i + 1], s->strategies, NAMES_MAX);
        else if (strcmp(argv[i], "--programs") == 0)
            s->program_count =
                split(argv[i + 1], s->programs, NAMES_MAX * 4);
        else {
            fprintf(stderr, "bug_search: unknown argument '%s'\n", argv[i]);
            exit(2);
        }
        i++;
    }
    if (s->cap == 0 || s->seeds == 0) {
        fprintf(stderr, "bug_search: --cap and --seeds must be positive\n");
        exit(2);
    }
    if (s->summary) {
        s->strategies[0] = "default";
        s->strategy_count = 1;
    } else if (s->strategy_count == 0) {
        s->strategy_count = sizeof strategies / sizeof strategies[0];
        memcpy(s->strategies, strategies, sizeof strategies);
    }
}

int main(int argc, char **argv)
{
    struct settings s;
    parse(argc, argv, &s);
    quiet = fopen("/dev/null", "w");
    size_t count;
    const struct bug_program *programs = bug_programs(&count);
    double medians[NAMES_MAX][NAMES_MAX * 4];
    size_t rows = 0;
    if (!s.summary) {
        printf("| program |");
        for (size_t j = 0; j < s.strategy_count; j++)
            printf(" %s |", s.strategies[j]);
        printf("\n| --- |");
        for (size_t j = 0; j < s.strategy_count; j++)
            printf(" ---: |");
        printf("\n");
    }
    for (size_t i = 0; i < count; i++) {
        if (!wanted(&s, programs[i].name))
            continue;
        if (!s.summary)
            printf("| %s |", programs[i].name);
        for (size_t j = 0; j < s.strategy_count; j++) {
            fprintf(stderr, "bug_search: %s under %s\n", programs[i].name,
                    s.strategies[j]);
            medians[j][rows] =
                median_over_seeds(&programs[i], s.strategies[j], &s);
            if (!s.summary) {
                print_cell(medians[j][rows], s.cap);
                fflush(stdout);
            }
        }
        if (!s.summary)
            printf("\n");
        rows++;
    }
    if (s.summary) {
        uint64_t found = 0, as_counts[NAMES_MAX * 4];
        for (size_t r = 0; r < rows; r++) {
            found += medians[0][r] <= (double)s.cap;
            as_counts[r] = (uint64_t)(medians[0][r] * 2); /* halves exact */
        }
        printf("%llu %zu %g\n", (unsigned long long)found, rows,
               median(as_counts, rows, 2 * s.cap) / 2);
        return 0;
    }
    printf("| found (median <= %llu) |", (unsigned long long)s.cap);
    for (size_t j = 0; j < s.strategy_count; j++) {
        uint64_t found = 0;
        for (size_t r = 0; r < rows; r++)
            found += medians[j][r] <= (double)s.cap;
        printf(" %llu/%zu |", (unsigned long long)found, rows);
    }
    printf("\n| median over programs |");
    for (size_t j = 0; j < s.strategy_count; j++) {
        uint64_t as_counts[NAMES_MAX * 4];
        for (size_t r = 0; r < rows; r++)
            as_counts[r] = (uint64_t)(medians[j][r] * 2);
        print_cell(median(as_counts, rows, 2 * s.cap) / 2, s.cap);
    }
    printf("\n");
    return 0;
}
