/*
 * $WEFT_OPTIONS: "key=value" pairs separated by spaces, commas or colons,
 * in the manner of TSAN_OPTIONS. Keys this layer reads:
 *   strategy=fifo|random   seed=N (implies random)   trace=stderr|stdout|PATH
 *   stack_size=N[K|M|G]   report_leaks=0|1
 * Keys of the other layers are accepted here and read by them.
 */
#include "options.h"

#include "detector_hooks.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { DEFAULT_STACK_SIZE = 256 * 1024 };

static const char *other_layer_keys[] = {
    "halt_on_error",     "exitcode",         "log_path",
    "history_size",      "suppressions",     "report_leaks",
    "preempt_on_access", "detect_deadlocks", NULL,
};

/* Values of other layers' keys, by the index of the key above (the last
 * occurrence wins), handed out by weft_env_option. */
static char
    *other_layer_values[sizeof other_layer_keys / sizeof *other_layer_keys];

static struct weft_env_options options;
static struct weft_random_strategy seeded_strategy;
static bool parsed;

_Noreturn static void bad_option(const char *what, const char *text)
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

static int other_layer_key_index(const char *key)
{
    for (int i = 0; other_layer_keys[i]; i++)
        if (strcmp(other_layer_keys[i], key) == 0)
            return i;
    return -1;
}

static void apply(const char *key, const char *value, const char *pair)
{
    uint64_t number;
    if (strcmp(key, "seed") == 0) {
        if (!weft_parse_number(value, false, &number))
            bad_option("WEFT_OPTIONS: bad seed", pair);
        options.seed = number;
        options.seeded = true;
    } else if (strcmp(key, "strategy") == 0) {
        if (strcmp(value, "random") == 0)
            options.seeded = true;
        else if (strcmp(value, "fifo") != 0)
            bad_option("WEFT_OPTIONS: unknown strategy (fifo, random)", pair);
    } else if (strcmp(key, "stack_size") == 0) {
        if (!weft_parse_number(value, true, &number) || number == 0)
            bad_option("WEFT_OPTIONS: bad stack_size", pair);
        options.stack_size = (size_t)number;
    } else if (strcmp(key, "report_leaks") == 0) {
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
            bad_option("WEFT_OPTIONS: report_leaks is 0 or 1", pair);
        options.report_leaks = value[0] == '1';
    } else if (strcmp(key, "trace") == 0) {
        if (strcmp(value, "stderr") == 0)
            options.trace = stderr;
        else if (strcmp(value, "stdout") == 0)
            options.trace = stdout;
        else if (!(options.trace = fopen(value, "w")))
            bad_option("WEFT_OPTIONS: cannot open trace file", value);
    } else {
        int index = other_layer_key_index(key);
        if (index < 0)
            bad_option("WEFT_OPTIONS: unknown option", pair);
        free(other_layer_values[index]);
        other_layer_values[index] = strdup(value);
    }
}

static void parse_pairs(const char *text)
{
    char *copy = strdup(text), *save = NULL;
    for (char *pair = strtok_r(copy, " ,:", &save); pair;
         pair = strtok_r(NULL, " ,:", &save)) {
        char *eq = strchr(pair, '=');
        if (!eq || eq == pair)
            bad_option("WEFT_OPTIONS: expected key=value", pair);
        char *full = strdup(pair);
        *eq = '\0';
        apply(pair, eq + 1, full);
        free(full);
    }
    free(copy);
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
        if (!weft_parse_number(stack, true, &number) || number == 0)
            bad_option("WEFT_STACK_SIZE: expected bytes, e.g. 65536 or 64K",
                       stack);
        options.stack_size = (size_t)number;
    }
    options.maxprocs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    const char *procs = getenv("WEFT_MAXPROCS");
    if (procs && *procs) {
        if (!weft_parse_number(procs, false, &number) || number == 0 ||
            number > 1024)
            bad_option("WEFT_MAXPROCS: expected a number of threads, 1 to "
                       "1024",
                       procs);
        options.maxprocs = (unsigned)number;
    }
    if (options.maxprocs == 0)
        options.maxprocs = 1;
    const char *text = getenv("WEFT_OPTIONS");
    if (text)
        parse_pairs(text);
    options.strategy = weft_strategy_fifo();
    if (options.seeded) {
        weft_strategy_random_init(&seeded_strategy, options.seed);
        options.strategy = &seeded_strategy.base;
    }
    return &options;
}

const char *weft_env_option(const char *key)
{
    weft_env_options();
    int index = other_layer_key_index(key);
    return index < 0 ? NULL : other_layer_values[index];
}

bool weft_env_seed(uint64_t *seed)
{
    const struct weft_env_options *env = weft_env_options();
    if (env->seeded)
        *seed = env->seed;
    return env->seeded;
}
