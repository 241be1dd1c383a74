/*
 * WEFT_OPTIONS's grammar (options.h). The keys are the entries of the
 * weft_option_keys section: one per OPTION_KEY in the program.
 *
 * Invariant: pairs are parsed once, before the first value is handed out,
 * and every pair's key is declared; values[i] belongs to keys[i].
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

OPTION_KEY(exitcode);

extern const char *const __start_weft_option_keys[];
extern const char *const __stop_weft_option_keys[];

static struct {
    bool parsed;
    const char **values; /* by the key's index in the section */
} options;

_Noreturn void option_bad(const char *what, const char *text)
{
    fprintf(stderr, "weft: %s: %s\n", what, text);
    exit(2);
}

bool weft_parse_number(const char *text, bool size, uint64_t *out)
{
    if (!text || !isdigit((unsigned char)text[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (errno)
        return false;
    unsigned shift = 0;
    if (size && *end) {
        const char *units = "KMG";
        const char *unit = strchr(units, toupper((unsigned char)*end));
        if (!unit)
            return false;
        shift = 10 * (unsigned)(unit - units + 1);
        end++;
    }
    if (*end || (shift && value > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)value << shift;
    return true;
}

static long key_index(const char *key)
{
    const char *const *keys = __start_weft_option_keys;
    for (long i = 0; keys + i < __stop_weft_option_keys; i++)
        if (strcmp(keys[i], key) == 0)
            return i;
    return -1;
}

static void parse_pairs(const char *text)
{
    char *copy = strdup(text), *save = NULL;
    for (char *pair = strtok_r(copy, " ,:", &save); pair;
         pair = strtok_r(NULL, " ,:", &save)) {
        char *eq = strchr(pair, '=');
        if (!eq || eq == pair)
            option_bad("WEFT_OPTIONS: expected key=value", pair);
        *eq = '\0';
        long index = key_index(pair);
        *eq = '=';
        if (index < 0)
            option_bad("WEFT_OPTIONS: unknown option", pair);
        options.values[index] = eq + 1; /* copy lives as long as values */
    }
}

const char *option_value(const char *key)
{
    if (!options.parsed) {
        options.parsed = true;
        size_t count =
            (size_t)(__stop_weft_option_keys - __start_weft_option_keys);
        options.values = calloc(count, sizeof *options.values);
        const char *text = getenv("WEFT_OPTIONS");
        if (text)
            parse_pairs(text);
    }
    long index = key_index(key);
    return index < 0 ? NULL : options.values[index];
}

int option_exitcode(int fallback)
{
    const char *text = option_value("exitcode");
    uint64_t code;
    if (!text)
        return fallback;
    if (!weft_parse_number(text, false, &code) || code > 255)
        option_bad("WEFT_OPTIONS: bad exitcode", text);
    return (int)code;
}
