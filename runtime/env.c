/*
 * The runtime's settings from the environment: its keys of $WEFT_OPTIONS
 * (support/options.h owns the grammar)
 *   strategy=fifo|random   seed=N (implies random)   trace=stderr|stdout|PATH
 *   stack_size=N[K|M|G]   report_leaks=0|1   detect_deadlocks=0|1 (lockorder.c)
 * and $WEFT_STACK_SIZE and $WEFT_MAXPROCS.
 */
#include "env.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack_pool.h"

OPTION_KEY(seed);
OPTION_KEY(strategy);
OPTION_KEY(trace);
OPTION_KEY(stack_size);
OPTION_KEY(report_leaks);
/* accepted for the harness's --preempt-on-access, read by nothing yet */
OPTION_KEY(preempt_on_access);

enum { DEFAULT_STACK_SIZE = 256 * 1024 };

static struct weft_env_options options;
static struct weft_random_strategy seeded_strategy;
static bool parsed;

/* Stops the program over key's bad value, naming the pair as given. */
_Noreturn static void bad_value(const char *what, const char *key,
                                const char *value)
{
    char pair[256];
    snprintf(pair, sizeof pair, "%s=%s", key, value);
    option_bad(what, pair);
}

static void read_options(void)
{
    uint64_t number;
    const char *value = option_value("seed");
    if (value) {
        if (!weft_parse_number(value, false, &number))
            bad_value("WEFT_OPTIONS: bad seed", "seed", value);
        options.seed = number;
        options.seeded = true;
    }
    value = option_value("strategy");
    if (value && strcmp(value, "random") == 0)
        options.seeded = true;
    else if (value && strcmp(value, "fifo") != 0)
        bad_value("WEFT_OPTIONS: unknown strategy (fifo, random)", "strategy",
                  value);
    value = option_value("stack_size");
    if (value) {
        if (!weft_parse_number(value, true, &number) || number == 0 ||
            number > STACK_SIZE_MAX)
            bad_value("WEFT_OPTIONS: bad stack_size (1 to 1G)", "stack_size",
                      value);
        options.stack_size = (size_t)number;
    }
    value = option_value("report_leaks");
    if (value) {
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
            bad_value("WEFT_OPTIONS: report_leaks is 0 or 1", "report_leaks",
                      value);
        options.report_leaks = value[0] == '1';
    }
    value = option_value("trace");
    if (!value)
        return;
    if (strcmp(value, "stderr") == 0)
        options.trace = stderr;
    else if (strcmp(value, "stdout") == 0)
        options.trace = stdout;
    else if (!(options.trace = fopen(value, "w")))
        option_bad("WEFT_OPTIONS: cannot open trace file", value);
}

const struct weft_env_options *weft_env_options(void)
{
    if (parsed)
        return &options;
    parsed = true;
    options.stack_size = DEFAULT_STACK_SIZE;
    const char *stack = getenv("WEFT_STACK_SIZE");
    uint64_t number;
    if (stack && *stack) {
        if (!weft_parse_number(stack, true, &number) || number == 0 ||
            number > STACK_SIZE_MAX)
            option_bad("WEFT_STACK_SIZE: expected bytes from 1 to 1G, e.g. "
                       "65536 or 64K",
                       stack);
        options.stack_size = (size_t)number;
    }
    options.maxprocs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    const char *procs = getenv("WEFT_MAXPROCS");
    if (procs && *procs) {
        if (!weft_parse_number(procs, false, &number) || number == 0 ||
            number > 1024)
            option_bad("WEFT_MAXPROCS: expected a number of threads, 1 to "
                       "1024",
                       procs);
        options.maxprocs = (unsigned)number;
    }
    if (options.maxprocs == 0)
        options.maxprocs = 1;
    read_options();
    options.strategy = weft_strategy_fifo();
    if (options.seeded) {
        weft_strategy_random_init(&seeded_strategy, options.seed);
        options.strategy = &seeded_strategy.base;
    }
    return &options;
}

bool weft_env_seed(uint64_t *seed)
{
    const struct weft_env_options *env = weft_env_options();
    if (env->seeded)
        *seed = env->seed;
    return env->seeded;
}
