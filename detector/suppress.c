/*
 * Suppressions, in the manner of TSan's: a file of lines "race:PATTERN" (or
 * just "PATTERN"); '#' starts a comment. A race is suppressed when a frame
 * of either access's stack has a function or file name matching a pattern:
 * '*' matches any run of characters, and a pattern with no '*' matches
 * anywhere inside the name.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "stack.h"
#include "state.h"

static char **patterns;
static size_t pattern_count;

static bool glob(const char *p, const char *s)
{
    if (*p == '\0')
        return *s == '\0';
    if (*p == '*')
        return glob(p + 1, s) || (*s && glob(p, s + 1));
    return *s == *p && glob(p + 1, s + 1);
}

static bool matches(const char *pattern, const char *name)
{
    if (!*name)
        return false;
    if (strchr(pattern, '*'))
        return glob(pattern, name);
    return strstr(name, pattern) != NULL;
}

void suppressions_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "weft: WEFT_OPTIONS: cannot open suppressions %s\n",
                path);
        exit(2);
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "#\r\n")] = '\0';
        for (size_t n = strlen(s); n && (s[n - 1] == ' ' || s[n - 1] == '\t');)
            s[--n] = '\0';
        if (strncmp(s, "race:", 5) == 0)
            s += 5;
        else if (strchr(s, ':')) /* another tool's kind: not ours */
            continue;
        if (!*s)
            continue;
        patterns =
            det_realloc(patterns, (pattern_count + 1) * sizeof *patterns);
        size_t length = strlen(s);
        patterns[pattern_count] = det_alloc(length + 1);
        memcpy(patterns[pattern_count++], s, length + 1);
    }
    fclose(f);
}

bool suppressions_match(const uintptr_t *pcs, size_t count)
{
    if (pattern_count == 0)
        return false;
    for (size_t i = 0; i < count; i++) {
        struct symbol sym;
        symbolize(pcs[i], false, &sym);
        const char *base = strrchr(sym.file, '/');
        for (size_t k = 0; k < pattern_count; k++)
            if (matches(patterns[k], sym.function) ||
                matches(patterns[k], sym.file) ||
                (base && matches(patterns[k], base + 1)))
                return true;
    }
    return false;
}
