/*
 * Race reports (see report.h).
 *
 * Invariants: a report is written only outside any check in progress
 * (own_work is held: capstone and stdio, called here, reach the
 * interceptors, and are not checked); each
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
#include "disasm.h"
#include "goroutine_names.h"
#include "own_work.h"
#include "hash_table.h"
#include "stack.h"
#include "state.h"

static uint64_t races_found;

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
    char name[GOROUTINE_NAME_MAX];
    fprintf(out, "%s of size %u at %p by %s:\n", what, size,
            (void *)(word + offset),
            goroutine_name(name, sizeof name, cell_tid(cell), false));
}

static void print_creation(FILE *out, uint32_t tid)
{
    if (tid <= 1 || tid >= det.goroutine_capacity)
        return;
    struct det_goroutine *g = &det.goroutines[tid];
    char name[GOROUTINE_NAME_MAX];
    fprintf(out, "%s (%s) created at:\n",
            goroutine_name(name, sizeof name, tid, true),
            g->finished ? "finished" : "running");
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t n = depot_unwind(g->creation, pcs, STACK_MAX_FRAMES);
    stack_print(out, pcs, n, false);
}

void report_race(uintptr_t addr, uint64_t cell, uint32_t entry, uint64_t old,
                 uint32_t old_entry)
{
    own_work_begin();
    uintptr_t word = addr & ~(uintptr_t)7;
    uintptr_t pcs[STACK_MAX_FRAMES], old_pcs[STACK_MAX_FRAMES];
    size_t n = depot_unwind(stack_entry_node(entry), pcs, STACK_MAX_FRAMES);
    size_t old_n =
        depot_unwind(stack_entry_node(old_entry), old_pcs, STACK_MAX_FRAMES);
    if (!pair_is_new(n ? pcs[0] : 0, old_n ? old_pcs[0] : 0) ||
        suppressions_match(pcs, n) || suppressions_match(old_pcs, old_n)) {
        own_work_end();
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
    report_print_schedule(out);
    fprintf(out, "==================\n");
    fflush(out);
    own_work_end();
    if (report_options.halt_on_error) {
        fflush(NULL);
        _exit(report_options.exitcode);
    }
}
