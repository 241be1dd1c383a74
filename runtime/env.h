/* The runtime's settings from the environment: its keys of $WEFT_OPTIONS,
 * $WEFT_STACK_SIZE and $WEFT_MAXPROCS. */
#ifndef WEFT_RUNTIME_ENV_H
#define WEFT_RUNTIME_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"
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

/* The seed of a WEFT_OPTIONS-seeded run; false when the run is not seeded
 * from the environment. */
bool weft_env_seed(uint64_t *seed);

#endif
