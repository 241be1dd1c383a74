/* Settings from the environment: $WEFT_OPTIONS, $WEFT_STACK_SIZE and
 * $WEFT_MAXPROCS. */
#ifndef WEFT_RUNTIME_OPTIONS_H
#define WEFT_RUNTIME_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "weft.h"

struct weft_env_options {
    size_t stack_size;
    struct weft_strategy *strategy; /* fifo, or random when seeded */
    uint64_t seed;
    bool seeded;
    FILE *trace;       /* trace=stderr|stdout|PATH */
    bool report_leaks; /* report_leaks=1 */
    unsigned maxprocs; /* $WEFT_MAXPROCS, default: the CPUs online */
};

/* Parsed once; a malformed setting exits 2 with a one-line reason. */
const struct weft_env_options *weft_env_options(void);

/* Parses "123", "0x7b", with an optional K/M/G suffix when size is true.
 * Returns false on anything else. */
bool weft_parse_number(const char *text, bool size, uint64_t *out);

#endif
