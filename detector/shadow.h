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
 * Inside a chunk, each cell slot is an array of its own (slot k of every
 * word), and so is each slot's stack entries. A word's cells are packed:
 * slot k holds an access only if slots 0..k-1 do. So where words never
 * need more than one or two cells, the pages of the other slots are never
 * written and never become resident. (The arrays are a few cache lines
 * more than 4 MiB apart, so that a word's cells do not share a cache set.)
 *
 * Invariant: a stack entry means something only beside a non-empty cell;
 * clearing memory empties cells and leaves stacks as they are.
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
    /* cell k of a word is cells[k * SHADOW_CELL_STRIDE], its stack entry
     * stacks[k * SHADOW_STACK_STRIDE] */
    SHADOW_CELL_STRIDE = SHADOW_WORDS + 3 * 8,
    SHADOW_STACK_STRIDE = SHADOW_WORDS + 5 * 16,
    SHADOW_STACKS_OFFSET = SHADOW_CELLS * SHADOW_CELL_STRIDE * 8,
    SHADOW_CHUNK_BYTES =
        SHADOW_STACKS_OFFSET + SHADOW_CELLS * SHADOW_STACK_STRIDE * 4,
};

extern char **shadow_top;

char *shadow_chunk_create(uintptr_t index);

/* The cells of the word holding addr, in its chunk: slot 0; slot k is
 * cells[k * SHADOW_CELL_STRIDE]. */
static inline uint64_t *shadow_chunk_cells(char *chunk, uintptr_t addr)
{
    return (uint64_t *)(chunk +
                        (addr & (((uintptr_t)1 << SHADOW_CHUNK_SHIFT) - 8)));
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

/* The stack entries beside cells, the cells of the word holding addr. */
static inline uint32_t *shadow_stacks(uint64_t *cells, uintptr_t addr)
{
    uintptr_t offset = addr & (((uintptr_t)1 << SHADOW_CHUNK_SHIFT) - 8);
    return (uint32_t *)((char *)cells - offset + SHADOW_STACKS_OFFSET +
                        offset / 2);
}

void shadow_init(void);
/* Forgets every access to [addr, addr + size). */
void shadow_clear(uintptr_t addr, size_t size);
/* Forgets every access anywhere. */
void shadow_clear_all(void);

#endif
