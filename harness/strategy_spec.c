/*
 * Strategy specs: which strategy a schedule runs under, with its
 * parameters, and their text form ("random", "pct:3:200", "dfs:2", "pos",
 * "surw", "surw:abreast"), which
 * parses back to the same spec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "strategies.h"

bool strategy_spec_parse(const char *text, struct strategy_spec *out)
{
    char *end;
    *out = (struct strategy_spec){0};
    if (strcmp(text, "random") == 0) {
        out->kind = STRATEGY_RANDOM;
        return true;
    }
    if (strcmp(text, "pos") == 0) {
        out->kind = STRATEGY_POS;
        return true;
    }
    if (strcmp(text, "surw") == 0 || strcmp(text, "surw:abreast") == 0) {
        out->kind = STRATEGY_SURW;
        out->abreast = text[4] == ':';
        return true;
    }
    if (strcmp(text, "confirm") == 0) { /* replays only: see harness.h */
        out->kind = STRATEGY_CONFIRM;
        return true;
    }
    bool pct = strncmp(text, "pct", 3) == 0;
    bool dfs = strncmp(text, "dfs", 3) == 0;
    if (!pct && !dfs)
        return false;
    out->kind = pct ? STRATEGY_PCT : STRATEGY_DFS;
    out->depth = pct ? 3 : 2;
    text += 3;
    if (*text == '\0')
        return true;
    if (*text++ != ':')
        return false;
    unsigned long depth = strtoul(text, &end, 10);
    if (end == text || depth < (pct ? 1 : 0) || depth > 8)
        return false;
    out->depth = (unsigned)depth;
    if (*end == '\0')
        return true;
    if (!pct && strcmp(end, ":full") == 0) {
        out->full = true;
        return true;
    }
    if (!pct || *end != ':')
        return false;
    /* digits only, in range: strtoull would take "-1" and saturate */
    uint64_t steps;
    if (!weft_parse_number(end + 1, false, &steps) || steps == 0)
        return false;
    out->steps = steps;
    return true;
}

void strategy_spec_format(const struct strategy_spec *spec, char *out,
                          size_t size)
{
    switch (spec->kind) {
    case STRATEGY_RANDOM:
        snprintf(out, size, "random");
        break;
    case STRATEGY_PCT:
        snprintf(out, size, "pct:%u:%llu", spec->depth,
                 (unsigned long long)spec->steps);
        break;
    case STRATEGY_DFS:
        snprintf(out, size, "dfs:%u%s", spec->depth, spec->full ? ":full" : "");
        break;
    case STRATEGY_CONFIRM:
        snprintf(out, size, "confirm");
        break;
    case STRATEGY_POS:
        snprintf(out, size, "pos");
        break;
    case STRATEGY_SURW:
        snprintf(out, size, spec->abreast ? "surw:abreast" : "surw");
        break;
    }
}
