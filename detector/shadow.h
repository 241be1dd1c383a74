/*
 * Shadow memory: for every 8-byte word of the address space, SHADOW_CELLS
 * cells (recent accesses, see state.h) and, beside each, the depot stack of
 * that access.
 *
 * A two-level table: a top array indexed by address >> 22, reserved with
 * MAP_NORESERVE and touched only where used, points at 4 MiB-of-memory
 * chunks made on first use. Globals, the heap and goroutine stacks are all
 * covered; addresses beyond 47 bits are not checked.
 */
#ifndef WEFT_DETECTOR_SHADOW_H
#define WEFT_DETECTOR_SHADOW_H

#include <stddef.h>
#include <stdint.h>

enum {
    SHADOW_CELLS = 4,
    SHADOW_CHUNK_SHIFT = 22,
    SHADOW_ADDRESS_BITS = 47,
    SHADOW_WORDS = 1 << (SHADOW_CHUNK_SHIFT - 3),
    /* a chunk: the cells of every word, then the stacks of every word */
    SHADOW_CELL_BYTES = SHADOW_CELLS * 8,
    SHADOW_STACK_BYTES = SHADOW_CELLS * 4,
    SHADOW_STACKS_OFFSET = SHADOW_WORDS * SHADOW_CELL_BYTES,
    SHADOW_CHUNK_BYTES =
        SHADOW_WORDS * (SHADOW_CELL_BYTES + SHADOW_STACK_BYTES),
};

extern char **shadow_top;

char *shadow_chunk_create(uintptr_t index);

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
    return (uint64_t *)(chunk +
                        ((addr >> 3) & (SHADOW_WORDS - 1)) * SHADOW_CELL_BYTES);
}

/* The stacks beside the cells of the word holding addr (cells non-NULL). */
static inline uint32_t *shadow_stacks(uintptr_t addr)
{
    char *chunk = shadow_top[addr >> SHADOW_CHUNK_SHIFT];
    return (uint32_t *)(chunk + SHADOW_STACKS_OFFSET +
                        ((addr >> 3) & (SHADOW_WORDS - 1)) *
                            SHADOW_STACK_BYTES);
}

void shadow_init(void);
/* Forgets every access to [addr, addr + size). */
void shadow_clear(uintptr_t addr, size_t size);
/* Forgets every access anywhere. */
void shadow_clear_all(void);

#endif
