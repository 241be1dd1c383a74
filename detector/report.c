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
#include "own_work.h"
#include "stack.h"
#include "state.h"

static uint64_t races_found;

/* reported pairs of sites: open addressing, 0 is empty */
static uint64_t *pairs;
static size_t pairs_mask, pairs_used;

uint64_t detector_races_found(void)
{
    return races_found;
}

void detector_forget_races(void)
{
    races_found = 0;
    if (pairs)
        memset(pairs, 0, (pairs_mask + 1) * sizeof *pairs);
    pairs_used = 0;
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
    if (!pairs || (pairs_used + 1) * 2 > pairs_mask + 1) {
        size_t old_size = pairs ? pairs_mask + 1 : 0;
        uint64_t *old = pairs;
        pairs_mask = (old_size ? old_size * 2 : 256) - 1;
        pairs = det_calloc(pairs_mask + 1, sizeof *pairs);
        for (size_t i = 0; i < old_size; i++) {
            if (!old[i])
                continue;
            size_t j = (size_t)(old[i] >> 20) & pairs_mask;
            while (pairs[j])
                j = (j + 1) & pairs_mask;
            pairs[j] = old[i];
        }
        det_free(old);
    }
    size_t i = (size_t)(key >> 20) & pairs_mask;
    for (; pairs[i]; i = (i + 1) & pairs_mask)
        if (pairs[i] == key)
            return false;
    pairs[i] = key;
    pairs_used++;
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
