/*
 * The access check, FastTrack-style: an access is a cell (goroutine, epoch,
 * bytes, kind); it races with a cell of another goroutine on overlapping
 * bytes when one of the two writes, not both are atomic, and the other
 * goroutine's epoch is not in the current goroutine's clock.
 *
 * The fast path (inline here) finds the same access, or a write covering a
 * read, already recorded in this epoch: nothing new can be learnt. Anything
 * else goes to access_slow.
 */
#ifndef WEFT_DETECTOR_ACCESS_H
#define WEFT_DETECTOR_ACCESS_H

#include "shadow.h"
#include "state.h"

void access_slow(uint64_t *cells, uint64_t cell, uintptr_t addr, uintptr_t pc);
/* Any size and alignment, word by word. */
void access_range(uintptr_t addr, size_t size, unsigned kind, uintptr_t pc);

/* An access of size bytes (1, 2, 4 or 8) at addr that stays inside one
 * 8-byte word; kind is 0 or CELL_WRITE, plus CELL_ATOMIC. */
static inline void access_word(uintptr_t addr, unsigned size, unsigned kind,
                               uintptr_t pc)
{
    uint64_t *cells = shadow_cells(addr);
    if (unlikely(cells == NULL))
        return;
    uint64_t cell =
        det.cur_bits | kind | ((((uint64_t)1 << size) - 1) << (addr & 7));
    uint64_t as_write = cell | CELL_WRITE;
    for (int i = 0; i < SHADOW_CELLS; i++)
        if (cells[i] == cell || cells[i] == as_write)
            return;
    access_slow(cells, cell, addr, pc);
}

static inline void access_check(uintptr_t addr, unsigned size, unsigned kind,
                                uintptr_t pc)
{
    if (unlikely(!det.checking))
        return;
    if (likely((addr & 7) + size <= 8))
        access_word(addr, size, kind, pc);
    else
        access_range(addr, size, kind, pc);
}

#endif
