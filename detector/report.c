#define _GNU_SOURCE /* program_invocation_name */
/*
 * Race reports (see report.h).
 *
 * Invariants: a report is written only outside any check in progress
 * (det.busy is held, so libc calls made here are not checked); each
 * unordered pair of access sites (the two innermost pcs) is reported once;
 * a suppressed race is neither printed nor counted.
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "depot.h"
#include "detector.h"
#include "detector_hooks.h"
#include "hash_table.h"
#include "stack.h"
#include "state.h"
#include "weft.h"

struct report_options report_options = {.exitcode = 66};

static uint64_t races_found;
static char *replay_hint;

/* reported pairs of sites, by a 64-bit mix of the two (never 0) */
static struct hash_table pairs =
    HASH_TABLE(uint64_t, 256, NULL, &det_hash_allocator);

uint64_t detector_races_found(void)
{
    return races_found;
}

void detector_forget_races(void)
{
    races_found = 0;
    hash_table_clear(&pairs, NULL);
}

void detector_set_replay_hint(const char *command)
{
    det_free(replay_hint);
    replay_hint = NULL;
    if (command) {
        size_t length = strlen(command);
        replay_hint = det_alloc(length + 1);
        det_copy(replay_hint, command, length + 1);
    }
}

static bool option_bool(const char *key)
{
    const char *value = weft_env_option(key);
    return value && (strcmp(value, "1") == 0 || strcmp(value, "true") == 0);
}

static FILE *open_log(const char *path)
{
    if (!path || strcmp(path, "stderr") == 0)
        return stderr;
    if (strcmp(path, "stdout") == 0)
        return stdout;
    char name[4096];
    snprintf(name, sizeof name, "%s.%d", path, (int)getpid());
    FILE *f = fopen(name, "w");
    if (!f) {
        fprintf(stderr, "weft: WEFT_OPTIONS: cannot open log_path %s: %s\n",
                name, strerror(errno));
        exit(2);
    }
    return f;
}

void report_configure(void)
{
    report_options.halt_on_error = option_bool("halt_on_error");
    const char *exitcode = weft_env_option("exitcode");
    if (exitcode) {
        char *end;
        long code = strtol(exitcode, &end, 0);
        if (*end || code < 0 || code > 255) {
            fprintf(stderr, "weft: WEFT_OPTIONS: bad exitcode: %s\n", exitcode);
            exit(2);
        }
        report_options.exitcode = (int)code;
    }
    report_options.log = open_log(weft_env_option("log_path"));
    const char *suppressions = weft_env_option("suppressions");
    if (suppressions)
        suppressions_load(suppressions);
}

/* Records the pair; false if it was already there. */
static bool pair_is_new(uintptr_t a, uintptr_t b)
{
    if (a > b) {
        uintptr_t t = a;
        a = b;
        b = t;
    }
    uint64_t key = ((uint64_t)a * 0x9E3779B97F4A7C15ull) ^ (uint64_t)b;
    key |= 1; /* never 0 */
    if (hash_table_find(&pairs, key))
        return false;
    hash_table_add(&pairs, key);
    return true;
}

/* "Write of size 4 at 0x... by goroutine 2:" for the access of cell that
 * overlaps mask: a cell whose entry has a size holds accesses of that size,
 * aligned to it (access.h); otherwise its mask is the access. */
static void print_access(FILE *out, const char *prefix, uint64_t cell,
                         uint32_t entry, unsigned overlap, uintptr_t word)
{
    unsigned mask = cell_mask(cell);
    unsigned size = stack_entry_size(entry);
    unsigned offset;
    if (size) {
        offset = (unsigned)__builtin_ctz(mask & overlap) & ~(size - 1);
    } else {
        size = (unsigned)__builtin_popcount(mask);
        offset = (unsigned)__builtin_ctz(mask);
    }
    const char *kind = cell & CELL_WRITE ? "write" : "read";
    char what[32];
    snprintf(what, sizeof what, "%s%s%s", prefix,
             cell & CELL_ATOMIC ? "atomic " : "", kind);
    if (!*prefix)
        what[0] = (char)(what[0] - 'a' + 'A');
    fprintf(out, "%s of size %u at %p by goroutine %u:\n", what, size,
            (void *)(word + offset), cell_tid(cell));
}

static void print_creation(FILE *out, uint32_t tid)
{
    if (tid <= 1 || tid >= det.goroutine_capacity)
        return;
    struct det_goroutine *g = &det.goroutines[tid];
    fprintf(out, "Goroutine %u (%s) created at:\n", tid,
            g->finished ? "finished" : "running");
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t n = depot_unwind(g->creation, pcs, STACK_MAX_FRAMES);
    stack_print(out, pcs, n, false);
}

static struct {
    bool known;
    uint64_t seed;
} harness_schedule;

void detector_set_schedule(uint64_t seed, const char *replay_command)
{
    harness_schedule.known = true;
    harness_schedule.seed = seed;
    detector_set_replay_hint(replay_command);
}

void detector_set_preempt_on_access(bool on)
{
    det.preempt_on_access = on;
    det_update_checking();
}

static void print_schedule(FILE *out)
{
    uint64_t seed = harness_schedule.seed;
    if (!harness_schedule.known && !weft_env_seed(&seed))
        return;
    fprintf(out, "Schedule: seed 0x%llx, step %llu \xe2\x80\x94 replay: ",
            (unsigned long long)seed, (unsigned long long)weft_step());
    if (replay_hint)
        fprintf(out, "%s\n", replay_hint);
    else
        fprintf(out, "WEFT_OPTIONS=seed=0x%llx %s\n", (unsigned long long)seed,
                program_invocation_name);
}

void report_race(uintptr_t addr, uint64_t cell, uint32_t entry, uint64_t old,
                 uint32_t old_entry)
{
    det.busy++;
    uintptr_t word = addr & ~(uintptr_t)7;
    uintptr_t pcs[STACK_MAX_FRAMES], old_pcs[STACK_MAX_FRAMES];
    size_t n = depot_unwind(stack_entry_node(entry), pcs, STACK_MAX_FRAMES);
    size_t old_n =
        depot_unwind(stack_entry_node(old_entry), old_pcs, STACK_MAX_FRAMES);
    if (!pair_is_new(n ? pcs[0] : 0, old_n ? old_pcs[0] : 0) ||
        suppressions_match(pcs, n) || suppressions_match(old_pcs, old_n)) {
        det.busy--;
        return;
    }
    races_found++;
    FILE *out = report_options.log;
    fprintf(out, "==================\nWARNING: DATA RACE\n");
    /* the current cell is one access: print it whole (size 0) */
    print_access(out, "", cell, 0, cell_mask(cell), word);
    stack_print(out, pcs, n, false);
    if (n)
        disasm_print_access(out, pcs[0],
                            (unsigned)__builtin_popcount(cell_mask(cell)),
                            cell & CELL_WRITE);
    print_access(out, "Previous ", old, old_entry, cell_mask(cell), word);
    stack_print(out, old_pcs, old_n, false);
    print_creation(out, cell_tid(cell));
    if (cell_tid(old) != cell_tid(cell))
        print_creation(out, cell_tid(old));
    print_schedule(out);
    fprintf(out, "==================\n");
    fflush(out);
    det.busy--;
    if (report_options.halt_on_error) {
        fflush(NULL);
        _exit(report_options.exitcode);
    }
}
