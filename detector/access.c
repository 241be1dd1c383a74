/*
 * The access check's slow path: compare with every cell of the word,
 * report a race, and record the access.
 *
 * Which cell the access takes: one it supersedes (same or fewer bytes,
 * ordered before it, and every later access that would race with the old
 * one races with the new one too: a write supersedes a read, a plain access
 * an atomic one); else an empty one; else one of an access ordered before
 * it; else one chosen by the epoch (deterministic). Any further cell it
 * supersedes is emptied, to keep words short. Only the choice by epoch
 * forgets a concurrent access, and with 4 cells a word it needs 4
 * goroutines' unordered accesses to the same word.
 */
#include "access.h"

#include "depot.h"
#include "report.h"

static bool supersedes(uint64_t cell, uint64_t old)
{
    unsigned mask = cell_mask(cell), old_mask = cell_mask(old);
    if ((old_mask & ~mask) != 0)
        return false;
    if ((old & CELL_WRITE) && !(cell & CELL_WRITE))
        return false;
    return !(cell & CELL_ATOMIC) || (old & CELL_ATOMIC);
}

static bool ordered_before_current(uint64_t old)
{
    uint32_t tid = cell_tid(old);
    return tid == det.cur_tid ||
           cell_epoch(old) <= vclock_get(&det.cur->clock, tid);
}

static bool conflicts(uint64_t cell, uint64_t old)
{
    if ((cell_mask(cell) & cell_mask(old)) == 0)
        return false;
    if (!((cell | old) & CELL_WRITE))
        return false;
    return !((cell & CELL_ATOMIC) && (old & CELL_ATOMIC));
}

/* The depot node of an access at pc in the current call stack. A loop's
 * few access sites hit this small cache instead of the depot's table. */
static struct {
    uintptr_t pc;
    uint32_t stack, node;
} stack_cache[64];

static inline uint32_t access_stack(uintptr_t pc)
{
    size_t i = ((pc >> 2) ^ det.cur_stack) & 63;
    if (likely(stack_cache[i].pc == pc &&
               stack_cache[i].stack == det.cur_stack))
        return stack_cache[i].node;
    uint32_t node = depot_child(det.cur_stack, pc);
    stack_cache[i].pc = pc;
    stack_cache[i].stack = det.cur_stack;
    stack_cache[i].node = node;
    return node;
}

void access_slow(uint64_t *cells, uint64_t cell, uintptr_t addr, uintptr_t pc)
{
    uint32_t *stacks = shadow_stacks(addr);
    int empty = -1, superseded = -1, ordered = -1, racing = -1;
    for (int i = 0; i < SHADOW_CELLS; i++) {
        uint64_t old = cells[i];
        if (old == 0) {
            if (empty < 0)
                empty = i;
            continue;
        }
        if (ordered_before_current(old)) {
            if (!supersedes(cell, old)) {
                if (ordered < 0)
                    ordered = i;
            } else if (superseded < 0) {
                superseded = i;
            } else {
                cells[i] = 0; /* a second superseded cell: keep words short */
                if (empty < 0)
                    empty = i;
            }
            continue;
        }
        if (racing < 0 && conflicts(cell, old))
            racing = i;
    }
    uint32_t stack = access_stack(pc);
    if (unlikely(racing >= 0))
        report_race(addr, cell, stack, cells[racing], stacks[racing]);
    int slot = superseded >= 0 ? superseded
               : empty >= 0    ? empty
               : ordered >= 0  ? ordered
                               : (int)(cell_epoch(cell) % SHADOW_CELLS);
    cells[slot] = cell;
    stacks[slot] = stack;
}

void access_range(uintptr_t addr, size_t size, unsigned kind, uintptr_t pc)
{
    if (!det.checking)
        return;
    uintptr_t end = addr + size;
    while (addr < end) {
        uintptr_t word_end = (addr | 7) + 1;
        uintptr_t stop = end < word_end ? end : word_end;
        uint64_t *cells = shadow_cells(addr);
        if (!cells)
            return;
        uint64_t cell = det.cur_bits | kind |
                        ((((uint64_t)1 << (stop - addr)) - 1) << (addr & 7));
        uint64_t as_write = cell | CELL_WRITE;
        bool known = false;
        for (int i = 0; i < SHADOW_CELLS && !known; i++)
            known = cells[i] == cell || cells[i] == as_write;
        if (!known)
            access_slow(cells, cell, addr, pc);
        addr = stop;
    }
}
