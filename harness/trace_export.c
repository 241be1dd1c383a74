/*
 * Chrome trace-event JSON for a schedule (Perfetto and chrome://tracing
 * open it): one track per goroutine, one slice per scheduling point, and a
 * flow arrow from each operation on an object to the next operation on the
 * same object by another goroutine — the order in which they synchronised.
 * Time is the step number (1 step = 1 us), not wall-clock time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goroutine_names.h"
#include "trace_export.h"

struct point {
    unsigned long step;
    unsigned long goroutine;
    char operation[96]; /* "chan send ch#2" */
    char object[32];    /* "ch#2", or "" */
    char location[160]; /* "bank.c:41", or "" */
};

static bool parse_point(const char *line, size_t length, struct point *p)
{
    char text[512];
    if (length >= sizeof text)
        length = sizeof text - 1;
    memcpy(text, line, length);
    text[length] = '\0';
    memset(p, 0, sizeof *p);
    int consumed = 0;
    if (sscanf(text, "%lu g%lu %n", &p->step, &p->goroutine, &consumed) != 2)
        return false;
    char *rest = text + consumed;
    char *at = strstr(rest, " @ ");
    if (at) {
        snprintf(p->location, sizeof p->location, "%s", at + 3);
        *at = '\0';
    }
    snprintf(p->operation, sizeof p->operation, "%s", rest);
    char *object = strrchr(rest, ' ');
    if (object && strchr(object, '#'))
        snprintf(p->object, sizeof p->object, "%s", object + 1);
    return true;
}

static void json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (; *text; text++) {
        if (*text == '"' || *text == '\\')
            fputc('\\', out);
        if ((unsigned char)*text >= 0x20)
            fputc(*text, out);
    }
    fputc('"', out);
}

bool trace_export_chrome(const char *path, const char *trace)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return false;
    size_t capacity = 64, count = 0;
    struct point *points = malloc(capacity * sizeof *points);
    for (const char *line = trace; *line;) {
        size_t length = strcspn(line, "\n");
        if (count == capacity)
            points = realloc(points, (capacity *= 2) * sizeof *points);
        if (parse_point(line, length, &points[count]))
            count++;
        line += length + (line[length] == '\n');
    }
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
    /* a named track per goroutine, in order of first appearance */
    unsigned long named[4096];
    size_t named_count = 0;
    const char *separator = "";
    for (size_t i = 0; i < count; i++) {
        bool seen = false;
        for (size_t k = 0; k < named_count; k++)
            seen |= named[k] == points[i].goroutine;
        if (seen || named_count == sizeof named / sizeof *named)
            continue;
        named[named_count++] = points[i].goroutine;
        char name[GOROUTINE_NAME_MAX]; /* "goroutine 3", or "thread T2" */
        fprintf(out,
                "%s{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,"
                "\"tid\":%lu,\"args\":{\"name\":\"%s\"}}",
                separator, points[i].goroutine,
                goroutine_name(name, sizeof name, points[i].goroutine, false));
        separator = ",\n";
    }
    for (size_t i = 0; i < count; i++) {
        const struct point *p = &points[i];
        fprintf(out,
                "%s{\"ph\":\"X\",\"pid\":1,\"tid\":%lu,\"ts\":%lu,"
                "\"dur\":1,\"name\":",
                separator, p->goroutine, p->step);
        json_string(out, p->operation);
        fprintf(out, ",\"args\":{\"step\":%lu,\"location\":", p->step);
        json_string(out, p->location);
        fputs("}}", out);
        separator = ",\n";
        /* the next operation on this object by another goroutine */
        if (!p->object[0])
            continue;
        for (size_t j = i + 1; j < count; j++) {
            if (strcmp(points[j].object, p->object) != 0)
                continue;
            if (points[j].goroutine == p->goroutine)
                break;
            fprintf(
                out,
                ",\n{\"ph\":\"s\",\"id\":%zu,\"pid\":1,\"tid\":%lu,"
                "\"ts\":%lu,\"name\":\"order\",\"cat\":\"sync\"},\n"
                "{\"ph\":\"f\",\"bp\":\"e\",\"id\":%zu,\"pid\":1,"
                "\"tid\":%lu,\"ts\":%lu,\"name\":\"order\",\"cat\":\"sync\"}",
                i, p->goroutine, p->step, i, points[j].goroutine,
                points[j].step);
            break;
        }
    }
    fputs("\n]}\n", out);
    free(points);
    return fclose(out) == 0;
}
