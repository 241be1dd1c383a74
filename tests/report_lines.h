/*
 * Checking a report line by line: the expected lines are built with the
 * source lines they name (found by a marker: a comment holding only
 * "@receive", say), so editing a test file does not break its expectations,
 * then matched against the output.
 *
 * An expected line is one of:
 *   "text"   the line, exactly
 *   "text*"  a line starting with text (addresses, which vary)
 *   "..."    any number of lines, as few as let the next entry match
 */
#ifndef WEFT_TESTS_REPORT_LINES_H
#define WEFT_TESTS_REPORT_LINES_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REPORT_LINES_MAX = 256 };

struct expected_lines {
    char *lines[REPORT_LINES_MAX];
    size_t count;
};

/* The 1-based number of the line of path marked with a comment holding only
 * "@tag" (built here, so the call naming the tag does not match itself). */
static inline int source_line(const char *path, const char *tag)
{
    char marker[128];
    snprintf(marker, sizeof marker, "/* @%s */", tag);
    FILE *file = fopen(path, "r");
    cr_assert(file, "cannot open %s", path);
    char line[1024];
    for (int number = 1; fgets(line, sizeof line, file); number++)
        if (strstr(line, marker)) {
            fclose(file);
            return number;
        }
    fclose(file);
    cr_assert_fail("no line of %s is marked %s", path, marker);
    return 0;
}

__attribute__((format(printf, 2, 3))) static inline void
expect_line(struct expected_lines *e, const char *format, ...)
{
    cr_assert_lt(e->count, REPORT_LINES_MAX);
    char *line = malloc(512);
    va_list args;
    va_start(args, format);
    vsnprintf(line, 512, format, args);
    va_end(args);
    e->lines[e->count++] = line;
}

static inline bool report_line_matches(const char *line, size_t length,
                                       const char *pattern)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*')
        return length >= n - 1 && strncmp(line, pattern, n - 1) == 0;
    return length == n && strncmp(line, pattern, n) == 0;
}

/* Whether lines [at, count) match patterns [p, e->count). */
static inline bool report_lines_match(const char **lines, const size_t *lengths,
                                      size_t count, size_t at,
                                      const struct expected_lines *e, size_t p)
{
    if (p == e->count)
        return at == count;
    if (strcmp(e->lines[p], "...") == 0) {
        for (size_t skip = at; skip <= count; skip++)
            if (report_lines_match(lines, lengths, count, skip, e, p + 1))
                return true;
        return false;
    }
    return at < count &&
           report_line_matches(lines[at], lengths[at], e->lines[p]) &&
           report_lines_match(lines, lengths, count, at + 1, e, p + 1);
}

/* Asserts that the whole of text matches e, line by line; frees e. */
static inline void assert_lines(const char *text, struct expected_lines *e)
{
    const char *lines[4096];
    size_t lengths[4096], count = 0;
    for (const char *at = text; *at && count < 4096;) {
        size_t length = strcspn(at, "\n");
        lines[count] = at;
        lengths[count++] = length;
        at += length + (at[length] == '\n');
    }
    bool matched = report_lines_match(lines, lengths, count, 0, e, 0);
    char want[16384] = "";
    for (size_t i = 0; i < e->count; i++) {
        strncat(want, e->lines[i], sizeof want - strlen(want) - 2);
        strcat(want, "\n");
    }
    cr_assert(matched, "want lines:\n%s--- got:\n%s", want, text);
    for (size_t i = 0; i < e->count; i++)
        free(e->lines[i]);
    e->count = 0;
}

/* Looser: each piece of text appears in output, after the one before it
 * (for reports whose lines around the pieces vary). */
static inline void expect_in_order(const char *output,
                                   const char *const *pieces, size_t count)
{
    const char *at = output;
    for (size_t i = 0; i < count; i++) {
        const char *found = strstr(at, pieces[i]);
        cr_assert(found, "missing (in order): \"%s\"\nin:\n%s", pieces[i],
                  output);
        at = found + strlen(pieces[i]);
    }
}

#endif
