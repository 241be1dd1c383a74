/*
 * Schedule strings: the decisions of one run, as text a human can paste.
 * "v1:" then dot-separated indices, a run of n equal indices as "i*n":
 *     v1:0*12.2.0*5.1
 * Indices are decimal. Replaying the decisions in order reproduces the run,
 * whatever strategy first made them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

static const char prefix[] = "v1:";

bool schedule_encode(const struct decision *decisions, size_t count, char *out,
                     size_t size)
{
    size_t used = (size_t)snprintf(out, size, "%s", prefix);
    for (size_t i = 0; i < count && used < size;) {
        size_t run = 1;
        while (i + run < count &&
               decisions[i + run].index == decisions[i].index)
            run++;
        const char *dot = i ? "." : "";
        if (run > 1)
            used += (size_t)snprintf(out + used, size - used, "%s%u*%zu", dot,
                                     decisions[i].index, run);
        else
            used += (size_t)snprintf(out + used, size - used, "%s%u", dot,
                                     decisions[i].index);
        i += run;
    }
    return used < size;
}

static bool parse_decimal(const char **text, unsigned long long *out)
{
    if (!isdigit((unsigned char)**text))
        return false;
    char *end;
    errno = 0;
    *out = strtoull(*text, &end, 10);
    *text = end;
    return errno == 0;
}

long schedule_decode(const char *text, struct decision *out, size_t max,
                     const char **error)
{
    if (strncmp(text, prefix, sizeof prefix - 1) != 0) {
        *error = "a schedule string starts with \"v1:\"";
        return -1;
    }
    text += sizeof prefix - 1;
    size_t count = 0;
    while (*text) {
        unsigned long long index, run = 1;
        if (!parse_decimal(&text, &index) || index > UINT32_MAX) {
            *error = "expected a decision index";
            return -1;
        }
        if (*text == '*') {
            text++;
            if (!parse_decimal(&text, &run) || run == 0) {
                *error = "expected a repeat count after '*'";
                return -1;
            }
        }
        if (run > max - count) {
            *error = "schedule string too long";
            return -1;
        }
        for (unsigned long long i = 0; i < run; i++)
            out[count++] = (struct decision){.index = (uint32_t)index};
        if (*text == '.' && text[1] == '\0') {
            *error = "a schedule string does not end with '.'";
            return -1;
        }
        if (*text == '.')
            text++;
        else if (*text) {
            *error = "expected '.' between decisions";
            return -1;
        }
    }
    return (long)count;
}
