/*
 * The access check, FastTrack-style: an access is a cell (goroutine, epoch,
 * bytes, kind); it races with a cell of another goroutine on overlapping
 * bytes when one of the two writes, not both are atomic, and the other
 * goroutine's epoch is not in the current goroutine's clock.
 *
 * Beside each cell, a stack entry: the depot node of the access (its pc
 * under the call stack), a size code and two flags. An aligned access of 1, 2,
 * 4 or 8 bytes has size code 1 + log2(size); accesses with the same entry
 * (the same instruction under the same stack: the same size) in the same
 * epoch share one cell, whose mask is then a union of aligned blocks of
 * that size, so that a report still names the exact access. Size code 0 (a
 * piece of a range or unaligned access) means the mask is the access
 * itself; such cells never share.
 *
 * Two flags, only ever on the word's last cell, make the next access
 * cheaper. STACK_ORDERED: every other cell of the word is ordered before
 * the last cell's goroutine and epoch, so while that goroutine is in that
 * epoch none of them can race with it. STACK_FREE: moreover another access
 * by the same entry in the same epoch may simply add its bytes to the
 * cell, as none of the others could give way to it (for a read: every
 * other cell is a write; for a write: there is no other cell). Whatever
 * changes the word puts the access's cell last, sets the flags on it where
 * they hold, and clears them from the cell that was last before.
 *
 * The fast path (inline here) finds the access already covered by a cell of
 * this goroutine in this epoch: the same kind (or a write for a read), the
 * same atomicity, every byte. Nothing new can be learnt. Anything else goes
 * to access_slow.
 */
#ifndef WEFT_DETECTOR_ACCESS_H
#define WEFT_DETECTOR_ACCESS_H

#include "depot.h"
#include "shadow.h"
#include "state.h"

enum {
    STACK_NODE_MASK = (1u << DEPOT_NODE_BITS) - 1,
    STACK_ORDERED = 1u << DEPOT_NODE_BITS,
    STACK_FREE = 1u << (DEPOT_NODE_BITS + 1),
    STACK_SIZE_SHIFT = DEPOT_NODE_BITS + 2,
    /* an entry without its flags */
    STACK_ENTRY_MASK = ~(STACK_ORDERED | STACK_FREE),
    /* a cell's bits other than its bytes and kind: goroutine, epoch and
     * atomicity */
    CELL_BYTES_AND_WRITE = 0xff | CELL_WRITE,
};

static inline uint32_t stack_entry_node(uint32_t entry)
{
    return entry & STACK_NODE_MASK;
}

/* 0, or the size of each access sharing the cell. */
static inline unsigned stack_entry_size(uint32_t entry)
{
    unsigned code = entry >> STACK_SIZE_SHIFT;
    return code ? 1u << (code - 1) : 0;
}

/* Where the fast path leaves off: neither of the word's first two cells
 * covers the access. */
void access_slow(uint64_t *cells, uint64_t cell, uintptr_t addr,
                 unsigned size_code, uintptr_t pc);
/* access_slow for a plain write of a whole word (size 8, aligned). */
void access_slow_overwrite(uint64_t *cells, uint64_t cell, uintptr_t addr,
                           uintptr_t pc);
/* access_slow for the two words of a 16-byte access at addr, each a
 * piece of a range (whole, no size code), whose cells start at cells: the
 * first if words has bit 0, the second if it has bit 1; one look for the
 * site's depot node. */
void access_slow_pair(uint64_t *cells, uint64_t cell, uintptr_t addr,
                      uintptr_t pc, unsigned words);
/* Any size and alignment: a chunk of shadow at a time, its words in one
 * run (access.c). */
void access_range(uintptr_t addr, size_t size, unsigned kind, uintptr_t pc);
/* Where access_entry leaves the fast path to (its caller's: the ABI
 * adapter makes an access a scheduling point there, under
 * --preempt-on-access): access points, checking off, an access across two
 * words, a chunk of shadow not made yet, an address past the shadow's. */
typedef void access_other_fn(uintptr_t addr, unsigned size, unsigned kind,
                             uintptr_t pc);

/* Whether old, a cell of this goroutine in this epoch, already says all
 * that cell would: the same goroutine, epoch and atomicity (the bits above
 * the bytes and the write flag), every byte of cell, and a write if cell is
 * one. */
static inline bool cell_covers(uint64_t old, uint64_t cell)
{
    return (old ^ cell) <= CELL_BYTES_AND_WRITE && (cell & ~old) == 0;
}

/* cell_covers for a plain access of the whole word (kind 0 or CELL_WRITE,
 * known where inlined): old is cell, or for a read, cell as a write. */
static inline bool cell_covers_word(uint64_t old, uint64_t cell, unsigned kind)
{
    if (kind & CELL_WRITE)
        return old == cell;
    return (old | CELL_WRITE) == (cell | CELL_WRITE);
}

/* Whether old is a cell of this goroutine in this epoch, of cell's kind. */
static inline bool cell_same_kind(uint64_t old, uint64_t cell)
{
    return ((old ^ cell) & ~(uint64_t)0xff) == 0;
}

static inline unsigned access_size_code(uintptr_t addr, unsigned size)
{
    return (addr & (size - 1)) ? 0 : (unsigned)__builtin_ctz(size) + 1;
}

/* The check of an access, cell, whose cells are found. The fast path: a
 * cell of this goroutine in this epoch covers it, and that cell is one of
 * the word's first two (where a word read or written by one goroutine, or
 * by one after another, keeps it): two loads, two compares. Anything else
 * goes to access_slow. */
static inline void access_in_cells(uint64_t *cells, uint64_t cell,
                                   uintptr_t addr, unsigned size_code,
                                   uintptr_t pc)
{
    if (likely(cell_covers(cells[0], cell)) ||
        cell_covers(cells[1], cell))
        return;
    access_slow(cells, cell, addr, size_code, pc);
}

/* The check of an access of size bytes (1, 2, 4 or 8) at addr that stays
 * inside one 8-byte word, once its cells are found; kind is 0 or
 * CELL_WRITE, plus CELL_ATOMIC. */
static inline void access_cells(uint64_t *cells, uintptr_t addr, unsigned size,
                                unsigned kind, uintptr_t pc)
{
    uint64_t cell =
        det.cur_bits | kind | ((((uint64_t)1 << size) - 1) << (addr & 7));
    access_in_cells(cells, cell, addr, access_size_code(addr, size), pc);
}

/* The check of an access inside one word, wherever it comes from. */
static inline void access_word(uintptr_t addr, unsigned size, unsigned kind,
                               uintptr_t pc)
{
    uint64_t *cells = shadow_cells(addr);
    if (likely(cells != NULL))
        access_cells(cells, addr, size, kind, pc);
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

/* The __tsan_readN/writeN entry points: the fast path calls nothing but,
 * last, access_slow or other, so it needs no frame of its own. */
static inline void access_entry(uintptr_t addr, unsigned size, unsigned kind,
                                uintptr_t pc, access_other_fn *other)
{
    uintptr_t index = addr >> SHADOW_CHUNK_SHIFT;
    if (unlikely(index >= det.fast_chunks) ||
        unlikely((addr & 7) + size > 8)) {
        other(addr, size, kind, pc);
        return;
    }
    char *chunk = shadow_top[index];
    if (unlikely(chunk == NULL)) {
        other(addr, size, kind, pc);
        return;
    }
    uint64_t *cells = shadow_chunk_cells(chunk, addr);
    if (size < 8) {
        access_cells(cells, addr, size, kind, pc);
        return;
    }
    /* the whole word (aligned, as it stays inside one): one compare a cell */
    uint64_t cell = det.cur_bits | kind | 0xff;
    if (likely(cell_covers_word(cells[0], cell, kind)) ||
        cell_covers_word(cells[1], cell, kind))
        return;
    if (kind == CELL_WRITE)
        access_slow_overwrite(cells, cell, addr, pc);
    else
        access_slow(cells, cell, addr, access_size_code(addr, 8), pc);
}

/* The __tsan_read16/write16 entry points (clang's vectorised loops): when
 * aligned to a word and inside one chunk, the two words' checks inline, as
 * access_range would make them (pieces of a range: no size code). */
static inline void access_entry16(uintptr_t addr, unsigned kind, uintptr_t pc,
                                  access_other_fn *other)
{
    uintptr_t index = addr >> SHADOW_CHUNK_SHIFT;
    if (unlikely(index >= det.fast_chunks) || unlikely(addr & 7) ||
        unlikely(((addr + 8) >> SHADOW_CHUNK_SHIFT) != index) ||
        unlikely(shadow_top[index] == NULL)) {
        other(addr, 16, kind, pc);
        return;
    }
    uint64_t *cells = shadow_chunk_cells(shadow_top[index], addr);
    uint64_t cell = det.cur_bits | kind | 0xff;
    unsigned words = 0; /* those the fast path does not cover */
    if (!cell_covers_word(cells[0], cell, kind) &&
        !cell_covers_word(cells[1], cell, kind))
        words = 1;
    if (!cell_covers_word(cells[2], cell, kind) &&
        !cell_covers_word(cells[3], cell, kind))
        words |= 2;
    if (words)
        access_slow_pair(cells, cell, addr, pc, words);
}

#endif
