/*
 * Shadow memory: for every 8-byte word of the address space, SHADOW_CELLS
 * cells (recent accesses, see state.h) and, beside each, the stack entry of
 * that access (access.h).
 *
 * A two-level table: a top array indexed by address >> 22, reserved with
 * MAP_NORESERVE and touched only where used, points at 4 MiB-of-memory
 * chunks made on first use. Globals, the heap and goroutine stacks are all
 * covered; addresses beyond 47 bits are not checked.
 *
 * Inside a chunk, slots 0 and 1 of a word lie side by side (16 bytes, in
 * one cache line) in an array of their own; slots 2 and 3 are an array
 * each (8 bytes a word); the stack entries are two arrays of pairs (8
 * bytes a word each), slots 0 and 1, slots 2 and 3. A word's cells are
 * packed: slot k holds an access only if slots 0..k-1 do. So a check that
 * finds its cell in slot 0 or 1 touches one line of shadow, and where
 * words never need more than one or two cells, the pages of the other
 * slots are never written and never become resident. Every array but the
 * first is 8 bytes a word, so from a word's stack entries the others are
 * a constant away. (The arrays are a few cache lines more than a power of
 * two apart, so that a word's cells do not share a cache set.)
 *
 * A byte for each page of slot 2's array says whether a cell was ever put
 * in slot 2 of one of its words: a word of two cells is told from one of
 * more without a look at a page of slots no word needs (reading such a
 * page maps the zero page, a TLB entry for every page).
 *
 * Invariants: a stack entry means something only beside a non-empty cell;
 * clearing memory empties cells and leaves stacks as they are. A word with
 * a cell in slot 2 has its page's byte set (it stays set when the cells
 * go).
 */
#ifndef WEFT_DETECTOR_SHADOW_H
#define WEFT_DETECTOR_SHADOW_H

#include <stddef.h>
#include <stdint.h>

enum {
    SHADOW_CELLS = 4,
    SHADOW_CHUNK_SHIFT = 22,
    SHADOW_ADDRESS_BITS = 47,
    SHADOW_TOP_ENTRIES = 1 << (SHADOW_ADDRESS_BITS - SHADOW_CHUNK_SHIFT),
    SHADOW_WORDS = 1 << (SHADOW_CHUNK_SHIFT - 3),
    /* the arrays' sizes in bytes, padded: slots 0 and 1, the others */
    SHADOW_PAIR_BYTES = 16 * SHADOW_WORDS + 3 * 64,
    SHADOW_SLOT_BYTES = 8 * SHADOW_WORDS + 5 * 64,
    /* where the arrays of 8 bytes a word start in a chunk: stack entries
     * (slots 0 and 1, then 2 and 3), slot 2, slot 3 */
    SHADOW_STACKS_OFFSET = SHADOW_PAIR_BYTES,
    SHADOW_SLOT2_OFFSET = SHADOW_STACKS_OFFSET + 2 * SHADOW_SLOT_BYTES,
    SHADOW_USED_OFFSET = SHADOW_SLOT2_OFFSET + 2 * SHADOW_SLOT_BYTES,
    /* one byte for each page of slot 2's cells (512 words) */
    SHADOW_USED_WORDS_SHIFT = 9,
    SHADOW_CHUNK_BYTES =
        SHADOW_USED_OFFSET + (SHADOW_WORDS >> SHADOW_USED_WORDS_SHIFT),
};

/* The offset of the word holding addr in its chunk's memory (8 a word). */
static inline uintptr_t shadow_offset(uintptr_t addr)
{
    return addr & (((uintptr_t)1 << SHADOW_CHUNK_SHIFT) - 8);
}

/* Cell k of a word whose cells are cells (slot 0) and stack entries
 * stacks (shadow_stacks); the next word's cells are cells + 2. */
static inline uint64_t *shadow_cell(uint64_t *cells, uint32_t *stacks, int k)
{
    if (k < 2)
        return cells + k;
    return (uint64_t *)((char *)stacks +
                        (SHADOW_SLOT2_OFFSET - SHADOW_STACKS_OFFSET) +
                        (k - 2) * SHADOW_SLOT_BYTES);
}

/* The stack entry of cell k, stacks the word's. */
static inline uint32_t *shadow_stack(uint32_t *stacks, int k)
{
    return stacks + (k & 1) + (k >> 1) * (SHADOW_SLOT_BYTES / 4);
}

extern char **shadow_top;

char *shadow_chunk_create(uintptr_t index);

/* The cells of the word holding addr, in its chunk: slot 0 (shadow_cell
 * finds the others). */
static inline uint64_t *shadow_chunk_cells(char *chunk, uintptr_t addr)
{
    return (uint64_t *)(chunk + 2 * shadow_offset(addr));
}

/* The cells of the word holding addr, or NULL where nothing is checked. */
static inline uint64_t *shadow_cells(uintptr_t addr)
{
    uintptr_t index = addr >> SHADOW_CHUNK_SHIFT;
    if (__builtin_expect(index >> (SHADOW_ADDRESS_BITS - SHADOW_CHUNK_SHIFT),
                         0))
        return NULL;
    char *chunk = shadow_top[index];
    if (__builtin_expect(chunk == NULL, 0))
        chunk = shadow_chunk_create(index);
    return shadow_chunk_cells(chunk, addr);
}

/* The stack entries beside cells, the cells of the word holding addr:
 * slot 0's and 1's side by side (shadow_stack finds the others). */
static inline uint32_t *shadow_stacks(uint64_t *cells, uintptr_t addr)
{
    return (uint32_t *)((char *)cells - shadow_offset(addr) +
                        SHADOW_STACKS_OFFSET);
}

/* The byte that says whether a word near addr, whose stack entries are
 * stacks, may hold more than two cells. */
static inline uint8_t *shadow_slot2_used(uint32_t *stacks, uintptr_t addr)
{
    uintptr_t offset = shadow_offset(addr);
    return (uint8_t *)stacks - offset +
           (SHADOW_USED_OFFSET - SHADOW_STACKS_OFFSET) +
           (offset >> (3 + SHADOW_USED_WORDS_SHIFT));
}

void shadow_init(void);
/* Forgets every access to [addr, addr + size). */
void shadow_clear(uintptr_t addr, size_t size);
/* Forgets every access anywhere. */
void shadow_clear_all(void);

#endif
