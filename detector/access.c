/*
 * The access check's slow path: compare with every cell of the word,
 * report a race, and record the access.
 *
 * A cell ordered before the access (this goroutine's, or in its clock)
 * gives way to it when the access speaks for all its bytes, and every
 * later access that would race with the old one races with the new one
 * too (a write speaks for a read, a plain access for an atomic one). The
 * access speaks for its own bytes and those of the cell it shares: the
 * cell of the same entry in this epoch (access.h) takes the access rather
 * than a new cell. Otherwise the access takes an empty cell; else one of an
 * access ordered before it; else one chosen by the epoch (deterministic).
 * Only that last choice forgets a concurrent access, and with 4 cells a
 * word it needs 4 goroutines' unordered accesses to the same word.
 *
 * Cells stay packed (shadow.h): the word's cells are rebuilt in place, the
 * access's cell last, and a slot that stays empty is never written.
 *
 * The hot functions here call nothing on their common paths (rare cases
 * are tail calls), so that they need no stack frame.
 */
#include "access.h"

#include "depot.h"
#include "report.h"

/* The bits of a cell ordered before the access cell, which speaks for the
 * bytes speaks, that keep it from giving way: a byte the access does not
 * speak for, and the write flag if the access is a read. Made once an
 * access, so that gives_way is a test or two a cell. */
static inline uint64_t keep_bits(uint64_t cell, uint64_t speaks)
{
    return (~speaks & 0xff) | (~cell & CELL_WRITE);
}

/* Whether old, ordered before the access cell, gives way to it: the
 * access speaks for all its bytes (keep: keep_bits) and is as strong, not
 * a read for a write, nor an atomic access for a plain one. */
static inline bool gives_way(uint64_t old, uint64_t cell, uint64_t keep)
{
    return (old & keep) == 0 && (cell & ~old & CELL_ATOMIC) == 0;
}

static inline bool conflicts(uint64_t cell, uint64_t old)
{
    if ((cell_mask(cell) & cell_mask(old)) == 0)
        return false;
    if (!((cell | old) & CELL_WRITE))
        return false;
    return !((cell & CELL_ATOMIC) && (old & CELL_ATOMIC));
}

static inline bool concurrent(uint64_t old)
{
    uint32_t tid = cell_tid(old);
    return tid != det.cur_tid &&
           cell_epoch(old) > vclock_get(&det.cur->clock, tid);
}

/* Whether every cell of a word is ordered before the access, from its
 * last cell alone: that one is, and the others are ordered before it
 * (STACK_ORDERED), so before the access too. (An epoch of a goroutine in
 * a clock comes with all that goroutine knew in that epoch.) */
static inline bool all_ordered(uint64_t last_cell, uint32_t last_entry)
{
    return (last_entry & STACK_ORDERED) && !concurrent(last_cell);
}

/* Reports the first of the word's cells that races with cell. */
static __attribute__((noinline, cold)) void
report_first_race(uint64_t *cells, uint32_t *stacks, int count, uint64_t cell,
                  uint32_t entry, uintptr_t addr, unsigned concurrent_bits)
{
    for (int i = 0; i < count; i++) {
        uint64_t old = *shadow_cell(cells, stacks, i);
        if ((concurrent_bits & (1u << i)) && conflicts(cell, old)) {
            report_race(addr, cell, entry, old,
                        *shadow_stack(stacks, i) & STACK_ENTRY_MASK);
            return;
        }
    }
}

/* Records the access in the word's count cells (at least one, none of
 * which covers it), reporting a race first if there is one. */
static __attribute__((noinline)) void
access_rebuild(uint64_t *cells, uint32_t *stacks, int count, uint64_t cell,
               uint32_t entry, uintptr_t addr)
{
    int last = count - 1;
    uint64_t last_cell = *shadow_cell(cells, stacks, last);
    uint32_t last_entry = *shadow_stack(stacks, last);
    /* Which cells are concurrent with the access, one bit each: none when
     * all are ordered before it. */
    unsigned concurrent_bits = 0;
    if (!all_ordered(last_cell, last_entry)) {
        bool racing = false;
#pragma GCC unroll 4
        for (int i = 0; i < SHADOW_CELLS; i++) {
            if (i == count)
                break;
            uint64_t old = *shadow_cell(cells, stacks, i);
            if (concurrent(old)) {
                concurrent_bits |= 1u << i;
                racing |= conflicts(cell, old);
            }
        }
        if (unlikely(racing))
            report_first_race(cells, stacks, count, cell, entry, addr,
                              concurrent_bits);
    }

    /* an entry no cell has, where the access may not share a cell */
    uint32_t share_entry = entry >> STACK_SIZE_SHIFT ? entry : UINT32_MAX;
    /* The bytes the access speaks for: its own, and those of the cell it
     * shares (this goroutine's accesses by one entry in this epoch). */
    uint64_t mask = cell_mask(cell), speaks = mask;
    if (cell_same_kind(last_cell, cell) &&
        (last_entry & STACK_ENTRY_MASK) == share_entry)
        speaks |= cell_mask(last_cell);
    uint64_t keep = keep_bits(cell, speaks);
    bool writes = true;
    unsigned kept_concurrent = 0;
    int to = 0, shared = -1; /* slots */
    /* kept cells move down over those that give way */
#pragma GCC unroll 4
    for (int i = 0; i < SHADOW_CELLS; i++) {
        if (i == count)
            break;
        uint64_t old = *shadow_cell(cells, stacks, i);
        uint64_t now = old;
        if (concurrent_bits & (1u << i)) {
            kept_concurrent |= 1u << to;
        } else if (cell_same_kind(old, cell) &&
                   (*shadow_stack(stacks, i) & STACK_ENTRY_MASK) ==
                       share_entry) {
            now = old | mask; /* the same access in this epoch */
            shared = to;
        } else if (gives_way(old, cell, keep)) {
            continue;
        } else {
            writes &= (old & CELL_WRITE) != 0;
        }
        if (to != i) {
            *shadow_cell(cells, stacks, to) = now;
            *shadow_stack(stacks, to) =
                *shadow_stack(stacks, i) & STACK_ENTRY_MASK;
        } else if (now != old) {
            *shadow_cell(cells, stacks, to) = now;
        }
        to++;
    }
    int out = to;
    /* slots emptied; one that was empty is never written */
    for (int empty = to; empty < count; empty++)
        *shadow_cell(cells, stacks, empty) = 0;
    int flagged;
    if (shared >= 0) {
        if (shared != out - 1)
            return; /* not last: no flags */
        flagged = shared;
    } else if (likely(out < SHADOW_CELLS)) {
        if (out == 2)
            *shadow_slot2_used(stacks, addr) = 1;
        *shadow_cell(cells, stacks, out) = cell;
        *shadow_stack(stacks, out) = entry;
        flagged = out;
        out++;
    } else {
        /* a full word: replace an access ordered before this one, else
         * one chosen by the epoch (deterministic) */
        unsigned ordered = ~kept_concurrent & ((1u << SHADOW_CELLS) - 1);
        int slot = ordered ? __builtin_ctz(ordered)
                           : (int)(cell_epoch(cell) % SHADOW_CELLS);
        *shadow_cell(cells, stacks, slot) = cell;
        *shadow_stack(stacks, slot) = entry;
        return; /* not last: no flags */
    }
    /* the cell last written keeps its flags only if it is still last */
    if (out > 1 && (*shadow_stack(stacks, flagged - 1) & ~STACK_ENTRY_MASK))
        *shadow_stack(stacks, flagged - 1) &= STACK_ENTRY_MASK;
    uint32_t flags = 0;
    if (kept_concurrent == 0) {
        flags = STACK_ORDERED;
        /* alone, or a read among writes: sharing needs nothing else */
        if ((entry >> STACK_SIZE_SHIFT) &&
            (out == 1 || (!(cell & CELL_WRITE) && writes)))
            flags |= STACK_FREE;
    }
    *shadow_stack(stacks, flagged) =
        (*shadow_stack(stacks, flagged) & STACK_ENTRY_MASK) | flags;
}

/* The site cache's entry for pc under the current call stack. */
static inline void site_remember(uintptr_t pc)
{
    det.access_sites[pc % ACCESS_SITES] =
        (struct access_site){pc, det.cur_stack, depot_child(det.cur_stack, pc)};
}

/* The depot node of an access at pc under the current call stack is
 * looked up in a small cache by pc (a loop's sites, unrolled or not, each
 * keep a line), then in the depot's cache. A miss fills the line and
 * checks the access again: a tail call each way, so that access_slow
 * needs no stack frame. */
static __attribute__((noinline)) void
access_slow_new_site(uint64_t *cells, uint64_t cell, uintptr_t addr,
                     unsigned size_code, uintptr_t pc)
{
    site_remember(pc);
    access_slow(cells, cell, addr, size_code, pc);
}

/*
 * The common cases, each a single look at the word's cells, with the
 * general one (access_rebuild) as the fallback:
 *  - the last cell is this entry's, free to share: it takes the bytes;
 *  - it is this entry's, and every other cell gives way: it is left alone
 *    (a loop's second write to a word);
 *  - no cell might share: the cells that give way go (a variable
 *    rewritten), and the access takes a new cell last (a first read or
 *    write of a word in this epoch).
 * No cell is concurrent in them, or none that races; there is no need to
 * look when the last cell is this goroutine's now, with every other
 * ordered before it. Each is a function of its own, reached by a tail
 * call, so that none needs a stack frame.
 */

/* name##_counted made for a count of cells, a function of its own whose
 * cells' offsets the compiler knows (name##count); the callers' counts
 * are constants too (access_slow). */
#define ACCESS_FOR_COUNT(name, count)                                          \
    static __attribute__((noinline)) void name##count(                         \
        uint64_t *cells, uint32_t *stacks, uint64_t cell, uint32_t entry,      \
        uintptr_t addr)                                                        \
    {                                                                          \
        name##_counted(cells, stacks, cell, entry, addr, count);               \
    }

/* The last of the word's count cells is this entry's, in this epoch. */
static inline __attribute__((always_inline)) void
access_share_counted(uint64_t *cells, uint32_t *stacks, uint64_t cell,
                     uint32_t entry, uintptr_t addr, int count)
{
    uint64_t last_cell = *shadow_cell(cells, stacks, count - 1);
    uint32_t last_entry = *shadow_stack(stacks, count - 1);
    /* all others ordered before this goroutine, and all give way to the
     * access with the cell it shares */
    uint64_t keep = keep_bits(cell, cell_mask(cell) | cell_mask(last_cell));
    bool mine = last_entry & STACK_ORDERED;
    for (int i = 0; i < count - 1; i++) {
        uint64_t old = *shadow_cell(cells, stacks, i);
        if (!gives_way(old, cell, keep) || (!mine && concurrent(old))) {
            access_rebuild(cells, stacks, count, cell, entry, addr);
            return;
        }
    }
    cells[0] = last_cell | cell_mask(cell);
    stacks[0] = entry | STACK_ORDERED | STACK_FREE;
    for (int i = 1; i < count; i++)
        *shadow_cell(cells, stacks, i) = 0;
}

ACCESS_FOR_COUNT(access_share, 1)
ACCESS_FOR_COUNT(access_share, 2)
ACCESS_FOR_COUNT(access_share, 3)
ACCESS_FOR_COUNT(access_share, 4)

static inline void access_share(uint64_t *cells, uint32_t *stacks,
                                uint64_t cell, uint32_t entry, uintptr_t addr,
                                int count)
{
    if (count == 1)
        access_share1(cells, stacks, cell, entry, addr);
    else if (count == 2)
        access_share2(cells, stacks, cell, entry, addr);
    else if (count == 3)
        access_share3(cells, stacks, cell, entry, addr);
    else
        access_share4(cells, stacks, cell, entry, addr);
}

/* No cell of the word's count (1 to 3) is this goroutine's in this epoch
 * of the access's kind. */
static inline __attribute__((always_inline)) void
access_new_counted(uint64_t *cells, uint32_t *stacks, uint64_t cell,
                   uint32_t entry, uintptr_t addr, int count)
{
    uint64_t mask = cell_mask(cell);
    uint64_t last_cell = *shadow_cell(cells, stacks, count - 1);
    uint32_t *last_stack = shadow_stack(stacks, count - 1);
    bool ordered = all_ordered(last_cell, *last_stack);
    uint64_t keep = keep_bits(cell, mask);
    bool writes = true, any_concurrent = false;
    unsigned give_way = 0; /* one bit a cell */
#pragma GCC unroll 3
    for (int i = 0; i < SHADOW_CELLS - 1; i++) {
        if (i == count)
            break;
        uint64_t old = *shadow_cell(cells, stacks, i);
        if (!ordered && concurrent(old)) {
            if (conflicts(cell, old))
                goto general;
            any_concurrent = true;
        } else if (gives_way(old, cell, keep)) {
            give_way |= 1u << i;
            continue;
        } else if (cell_same_kind(old, cell)) {
            goto general; /* might share */
        }
        writes &= (old & CELL_WRITE) != 0;
    }
    int out = count;
    if (give_way) {
        /* the cells that gave way go, the others move down */
        out = 0;
#pragma GCC unroll 3
        for (int i = 0; i < SHADOW_CELLS - 1; i++) {
            if (i == count)
                break;
            if (give_way & (1u << i))
                continue;
            if (out != i) {
                *shadow_cell(cells, stacks, out) =
                    *shadow_cell(cells, stacks, i);
                *shadow_stack(stacks, out) = *shadow_stack(stacks, i);
            }
            out++;
        }
        for (int i = out + 1; i < count; i++)
            *shadow_cell(cells, stacks, i) = 0;
    }
    uint32_t flags = 0;
    if (!any_concurrent) {
        flags = STACK_ORDERED;
        /* alone, or a read among writes: sharing needs nothing else */
        if ((entry >> STACK_SIZE_SHIFT) &&
            (out == 0 || (!(cell & CELL_WRITE) && writes)))
            flags |= STACK_FREE;
    }
    if (out > 0)
        *shadow_stack(stacks, out - 1) &= STACK_ENTRY_MASK;
    if (out == 2)
        *shadow_slot2_used(stacks, addr) = 1;
    *shadow_cell(cells, stacks, out) = cell;
    *shadow_stack(stacks, out) = entry | flags;
    return;
general:
    access_rebuild(cells, stacks, count, cell, entry, addr);
}

ACCESS_FOR_COUNT(access_new, 1)
ACCESS_FOR_COUNT(access_new, 2)
ACCESS_FOR_COUNT(access_new, 3)

static inline void access_new(uint64_t *cells, uint32_t *stacks, uint64_t cell,
                              uint32_t entry, uintptr_t addr, int count)
{
    if (count == 1)
        access_new1(cells, stacks, cell, entry, addr);
    else if (count == 2)
        access_new2(cells, stacks, cell, entry, addr);
    else
        access_new3(cells, stacks, cell, entry, addr);
}

/* Whether the access cell may take access_beside_one's way past a word's
 * one cell, old: old is not of its kind and is ordered before it. */
static inline bool beside_one(uint64_t old, uint64_t cell)
{
    return !cell_same_kind(old, cell) && !concurrent(old);
}

/* The word's one cell, ordered before the access and not of its kind (a
 * word's first access in this epoch after another goroutine's, or after
 * this one's in an earlier epoch): it gives way, or the access takes a
 * second cell. */
static inline void access_beside_one(uint64_t *cells, uint32_t *stacks,
                                     uint64_t cell, uint32_t entry)
{
    uint64_t old = cells[0];
    uint32_t free = entry >> STACK_SIZE_SHIFT ? STACK_FREE : 0;
    uint32_t flags = STACK_ORDERED;
    if (old & ~cell & CELL_WRITE) {
        /* a read after a write: the write stays, and sharing needs
         * nothing else (tested first: the commonest case) */
        flags |= free;
    } else if (gives_way(old, cell, keep_bits(cell, cell))) {
        cells[0] = cell;
        stacks[0] = entry | STACK_ORDERED | free;
        return;
    }
    stacks[0] &= STACK_ENTRY_MASK;
    cells[1] = cell;
    stacks[1] = entry | flags;
}

/* The word holds count cells, none of which covers the access. */
static inline void access_counted(uint64_t *cells, uint32_t *stacks,
                                  uint64_t cell, uint32_t entry, uintptr_t addr,
                                  int count)
{
    unsigned size_code = entry >> STACK_SIZE_SHIFT;
    if (count == 0) {
        cells[0] = cell;
        stacks[0] = entry | STACK_ORDERED | (size_code ? STACK_FREE : 0);
        return;
    }
    uint64_t *last = shadow_cell(cells, stacks, count - 1);
    uint32_t last_entry = *shadow_stack(stacks, count - 1);
    if (count == 1 && beside_one(*last, cell)) {
        access_beside_one(cells, stacks, cell, entry);
        return;
    }
    if (!cell_same_kind(*last, cell)) {
        if ((cell & (CELL_BYTES_AND_WRITE | CELL_ATOMIC)) ==
                CELL_BYTES_AND_WRITE &&
            all_ordered(*last, last_entry)) {
            /* a plain write of the whole word, every cell ordered before
             * it: each gives way */
            cells[0] = cell;
            stacks[0] = entry | STACK_ORDERED | (size_code ? STACK_FREE : 0);
            for (int i = 1; i < count; i++)
                *shadow_cell(cells, stacks, i) = 0;
        } else if (count < SHADOW_CELLS)
            access_new(cells, stacks, cell, entry, addr, count);
        else
            access_rebuild(cells, stacks, count, cell, entry, addr);
    } else if (last_entry == (entry | STACK_ORDERED | STACK_FREE)) {
        *last |= cell_mask(cell); /* (no cell of size code 0 is free) */
    } else if (size_code && (last_entry & STACK_ENTRY_MASK) == entry) {
        access_share(cells, stacks, cell, entry, addr, count);
    } else {
        access_rebuild(cells, stacks, count, cell, entry, addr);
    }
}

/* A loop's next element in a word of two or more cells whose last is its
 * entry's (a read of the second int of a word written before): the cell
 * takes the bytes without counting the word's cells. STACK_FREE is only
 * ever on the last cell, and on a write's only when it is alone, so it
 * can only be a read's in slot 1 here (where the fast path looked
 * already). */
static inline bool access_share_free(uint64_t *cells, const uint32_t *stacks,
                                     uint64_t cell, uint32_t entry)
{
    uint64_t *old = &cells[1];
    if ((cell & CELL_WRITE) || !cell_same_kind(*old, cell) ||
        stacks[1] != (entry | STACK_ORDERED | STACK_FREE))
        return false;
    *old |= cell_mask(cell);
    return true;
}

/* The stack entry of an access's cell alone in its word: ordered, and
 * free to share if it has a size code. */
static inline uint32_t stack_entry_alone(uint32_t entry)
{
    return entry | STACK_ORDERED | (entry >> STACK_SIZE_SHIFT ? STACK_FREE : 0);
}

/* A plain write of the whole word to a word of one or two cells, every
 * one ordered before it (its last cell says so): each gives way, and the
 * write becomes the word's only cell, with no count of the word's cells
 * and no look at them one by one (a variable or an array rewritten after
 * another goroutine's or this one's earlier accesses). As access_counted
 * would make it. */
static inline bool access_overwrite(uint64_t *cells, uint32_t *stacks,
                                    uint64_t cell, uint32_t entry,
                                    uintptr_t addr)
{
    int last = cells[1] != 0;
    if (last && *shadow_slot2_used(stacks, addr) &&
        *shadow_cell(cells, stacks, 2) != 0)
        return false;
    if (!all_ordered(cells[last], stacks[last]))
        return false;
    cells[0] = cell;
    stacks[0] = stack_entry_alone(entry);
    if (last)
        cells[1] = 0;
    return true;
}

/* access_slow once the access's stack entry is known. */
static inline __attribute__((always_inline)) void
access_entered(uint64_t *cells, uint64_t cell, uintptr_t addr, uint32_t entry)
{
    uint32_t *stacks = shadow_stacks(cells, addr);
    /* Cells are packed: the first empty slot ends them. Each count is
     * taken apart, so that access_counted, inlined for each, knows its
     * cells' offsets; a word of none or one (most words) first. */
    _Static_assert(SHADOW_CELLS == 4, "access_slow counts to 4 cells");
    uint64_t first = cells[0];
    if (first == 0) {
        access_counted(cells, stacks, cell, entry, addr, 0);
        return;
    }
    if (cells[1] == 0) {
        /* the one cell is this entry's, free to share: it takes the bytes */
        if (cell_same_kind(first, cell) &&
            stacks[0] == (entry | STACK_ORDERED | STACK_FREE))
            cells[0] = first | cell_mask(cell);
        else
            access_counted(cells, stacks, cell, entry, addr, 1);
        return;
    }
    if (access_share_free(cells, stacks, cell, entry))
        return;
    /* the first two cells do not cover it (access_in_cells); the others
     * may, where there are any (no look at a page of slot 2 no word
     * uses) */
    uint64_t third;
    if (!*shadow_slot2_used(stacks, addr) ||
        (third = *shadow_cell(cells, stacks, 2)) == 0) {
        access_counted(cells, stacks, cell, entry, addr, 2);
        return;
    }
    if (cell_covers(third, cell))
        return;
    uint64_t fourth = *shadow_cell(cells, stacks, 3);
    if (fourth == 0) {
        access_counted(cells, stacks, cell, entry, addr, 3);
        return;
    }
    if (cell_covers(fourth, cell))
        return;
    access_counted(cells, stacks, cell, entry, addr, 4);
}

/* The two commonest first accesses to a word in an epoch, before any
 * count of its cells: a plain write of the whole word over cells all
 * ordered before it (overwrite, a constant where inlined), or an access
 * beside the word's one cell, ordered before it. false: neither. */
static inline __attribute__((always_inline)) bool
access_quick(uint64_t *cells, uint32_t *stacks, uint64_t cell, uint32_t entry,
             uintptr_t addr, bool overwrite)
{
    if (overwrite)
        return access_overwrite(cells, stacks, cell, entry, addr);
    uint64_t first = cells[0];
    if (first == 0 || cells[1] != 0 || !beside_one(first, cell))
        return false;
    access_beside_one(cells, stacks, cell, entry);
    return true;
}

/* access_entered out of line, so that the quick paths before it need few
 * registers (no frame). */
static __attribute__((noinline)) void access_slow_entered(uint64_t *cells,
                                                          uint64_t cell,
                                                          uintptr_t addr,
                                                          uint32_t entry)
{
    access_entered(cells, cell, addr, entry);
}

/* access_entered for each word of a pair that words names. */
static __attribute__((noinline)) void
access_pair_entered(uint64_t *cells, uint64_t cell, uintptr_t addr,
                    uint32_t entry, unsigned words)
{
    if (words & 1)
        access_entered(cells, cell, addr, entry);
    if (words & 2)
        access_entered(cells + 2, cell, addr + 8, entry);
}

/* access_slow and access_slow_overwrite: the site's stack entry, then the
 * quick paths, then the general one (each a tail call: no frame). */
static inline __attribute__((always_inline)) void
access_slow_at_site(uint64_t *cells, uint64_t cell, uintptr_t addr,
                    unsigned size_code, uintptr_t pc, bool overwrite)
{
    const struct access_site *site = &det.access_sites[pc % ACCESS_SITES];
    if (unlikely(site->pc != pc || site->stack != det.cur_stack)) {
        access_slow_new_site(cells, cell, addr, size_code, pc);
        return;
    }
    uint32_t entry = site->node | size_code << STACK_SIZE_SHIFT;
    if (access_quick(cells, shadow_stacks(cells, addr), cell, entry, addr,
                     overwrite))
        return;
    access_slow_entered(cells, cell, addr, entry);
}

void access_slow(uint64_t *cells, uint64_t cell, uintptr_t addr,
                 unsigned size_code, uintptr_t pc)
{
    access_slow_at_site(cells, cell, addr, size_code, pc, false);
}

void access_slow_overwrite(uint64_t *cells, uint64_t cell, uintptr_t addr,
                           uintptr_t pc)
{
    /* 4 = 1 + log2(8): a whole word is aligned */
    access_slow_at_site(cells, cell, addr, 4, pc, true);
}

/* access_quick for each word of a pair that words names (the next word's
 * stack entries are 2 further on), the general path for the others. */
static inline __attribute__((always_inline)) void
access_pair_quick(uint64_t *cells, uint64_t cell, uintptr_t addr,
                  uint32_t entry, unsigned words, bool overwrite)
{
    uint32_t *stacks = shadow_stacks(cells, addr);
    if ((words & 1) &&
        access_quick(cells, stacks, cell, entry, addr, overwrite))
        words &= ~1u;
    if ((words & 2) &&
        access_quick(cells + 2, stacks + 2, cell, entry, addr + 8, overwrite))
        words &= ~2u;
    if (words)
        access_pair_entered(cells, cell, addr, entry, words);
}

/* access_slow_new_site for a pair. */
static __attribute__((noinline)) void
access_slow_pair_new_site(uint64_t *cells, uint64_t cell, uintptr_t addr,
                          uintptr_t pc, unsigned words)
{
    site_remember(pc);
    access_slow_pair(cells, cell, addr, pc, words);
}

void access_slow_pair(uint64_t *cells, uint64_t cell, uintptr_t addr,
                      uintptr_t pc, unsigned words)
{
    const struct access_site *site = &det.access_sites[pc % ACCESS_SITES];
    if (unlikely(site->pc != pc || site->stack != det.cur_stack)) {
        access_slow_pair_new_site(cells, cell, addr, pc, words);
        return;
    }
    /* pieces of a range: no size code (the mask says so to the
     * compiler: a node has no bits above it) */
    uint32_t entry = site->node & STACK_NODE_MASK;
    if ((cell & (CELL_BYTES_AND_WRITE | CELL_ATOMIC)) == CELL_BYTES_AND_WRITE)
        access_pair_quick(cells, cell, addr, entry, words, true);
    else
        access_pair_quick(cells, cell, addr, entry, words, false);
}

/* The words of [addr, stop), one chunk's, whose cells start at cells:
 * consecutive words' cells are consecutive in each pair's array, so the
 * run walks them without looking the shadow up again, each word's check
 * inline (a whole word in this epoch already: two loads, two compares). */
static void access_run(uint64_t *cells, uintptr_t addr, uintptr_t stop,
                       unsigned kind, uintptr_t pc)
{
    uint64_t bits = det.cur_bits | kind;
    for (; addr < stop; cells += 2) {
        uintptr_t word_end = (addr | 7) + 1;
        uintptr_t piece_end = stop < word_end ? stop : word_end;
        uint64_t cell =
            bits | ((((uint64_t)1 << (piece_end - addr)) - 1) << (addr & 7));
        /* a range's pieces have no size code: they never share */
        access_in_cells(cells, cell, addr, 0, pc);
        addr = piece_end;
    }
}

void access_range(uintptr_t addr, size_t size, unsigned kind, uintptr_t pc)
{
    if (!det.checking)
        return;
    uintptr_t end = addr + size;
    while (addr < end) {
        uint64_t *cells = shadow_cells(addr);
        if (!cells)
            return;
        uintptr_t chunk_end =
            (addr | (((uintptr_t)1 << SHADOW_CHUNK_SHIFT) - 1)) + 1;
        uintptr_t stop = end < chunk_end ? end : chunk_end;
        access_run(cells, addr, stop, kind, pc);
        addr = stop;
    }
}
