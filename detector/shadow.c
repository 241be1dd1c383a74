/*
 * Shadow memory (see shadow.h). Chunks are never unmapped, only emptied:
 * MADV_DONTNEED gives their pages back and they read as zero (empty cells)
 * when touched again. The list of chunks made is kept for clear_all, and
 * for a process that goes back to a snapshot (detector.h): the top's
 * entries of chunks made since are all that going back must undo here.
 * Clearing writes only to cells that hold something, so it never makes a
 * page resident.
 */
#include "shadow.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "detector.h"

#include "state.h"

enum {
    PAGE = 4096,
    /* clearing at least this many words (64 KiB of memory) gives the
     * shadow's pages back rather than emptying word by word */
    MADVISE_WORDS = 8192,
};

char **shadow_top;
static uintptr_t *made; /* indexes of chunks made, in order */
static size_t made_count, made_capacity;
static size_t made_at_mark; /* chunks made before detector_shadow_mark */

static void *reserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "weft: race detector: cannot reserve shadow memory\n");
        _Exit(2);
    }
    return p;
}

void shadow_init(void)
{
    if (!shadow_top)
        shadow_top = reserve(SHADOW_TOP_ENTRIES * sizeof *shadow_top);
}

char *shadow_chunk_create(uintptr_t index)
{
    char *chunk = reserve(SHADOW_CHUNK_BYTES);
    /* a huge page would make every slot's pages resident at once */
    madvise(chunk, SHADOW_CHUNK_BYTES, MADV_NOHUGEPAGE);
    if (made_count == made_capacity) {
        made_capacity = made_capacity ? made_capacity * 2 : 64;
        made = det_realloc(made, made_capacity * sizeof *made);
    }
    made[made_count++] = index;
    shadow_top[index] = chunk;
    return chunk;
}

/* Empties the cells of words [first, last) of chunk, word by word. */
static void clear_words(char *chunk, size_t first, size_t last)
{
    uint64_t *slot0 = (uint64_t *)chunk;
    for (size_t word = first; word < last; word++) {
        uint64_t *cells = &slot0[2 * word];
        uint32_t *stacks = shadow_stacks(cells, word * 8);
        /* packed: the first empty slot ends the word's cells */
        for (int k = 0; k < SHADOW_CELLS && *shadow_cell(cells, stacks, k); k++)
            *shadow_cell(cells, stacks, k) = 0;
    }
}

/* Gives back the whole pages of [from, to): they read as zero again. */
static void give_back(uintptr_t from, uintptr_t to)
{
    uintptr_t first = (from + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t last = to & ~(uintptr_t)(PAGE - 1);
    if (first < last)
        madvise((void *)first, last - first, MADV_DONTNEED);
}

/* Empties cells [first, last) of one array: the whole pages given
 * back, the cells at the edges emptied where they hold something. */
static void clear_slot(uint64_t *slot, size_t first, size_t last)
{
    uintptr_t from = (uintptr_t)&slot[first], to = (uintptr_t)&slot[last];
    uintptr_t inner_from = (from + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t inner_to = to & ~(uintptr_t)(PAGE - 1);
    for (uint64_t *c = &slot[first]; (uintptr_t)c < inner_from; c++)
        if (*c)
            *c = 0;
    for (uint64_t *c = (uint64_t *)inner_to; c < &slot[last]; c++)
        if (*c)
            *c = 0;
    give_back(inner_from, inner_to);
}

/* Empties words [first, last) of chunk: a long run gives pages back, a
 * short one is emptied word by word. */
static void clear_chunk(char *chunk, size_t first, size_t last)
{
    if (last - first < MADVISE_WORDS) {
        clear_words(chunk, first, last);
        return;
    }
    clear_slot((uint64_t *)chunk, 2 * first, 2 * last);
    for (int k = 2; k < SHADOW_CELLS; k++)
        clear_slot((uint64_t *)(chunk + SHADOW_SLOT2_OFFSET +
                                (k - 2) * SHADOW_SLOT_BYTES),
                   first, last);
    for (int pair = 0; pair < SHADOW_CELLS / 2; pair++) {
        uint64_t *stacks = (uint64_t *)(chunk + SHADOW_STACKS_OFFSET +
                                        pair * SHADOW_SLOT_BYTES);
        give_back((uintptr_t)&stacks[first], (uintptr_t)&stacks[last]);
    }
}

void shadow_clear(uintptr_t addr, size_t size)
{
    uintptr_t end = addr + size;
    addr &= ~(uintptr_t)7;
    while (addr < end) {
        uintptr_t index = addr >> SHADOW_CHUNK_SHIFT;
        uintptr_t chunk_end = (index + 1) << SHADOW_CHUNK_SHIFT;
        uintptr_t stop = end < chunk_end ? end : chunk_end;
        if (index >= SHADOW_TOP_ENTRIES)
            return;
        char *chunk = shadow_top[index];
        if (chunk) {
            size_t first = (addr >> 3) & (SHADOW_WORDS - 1);
            size_t words = ((stop - addr) + 7) >> 3;
            clear_chunk(chunk, first, first + words);
        }
        addr = stop;
    }
}

void shadow_clear_all(void)
{
    for (size_t i = 0; i < made_count; i++)
        madvise(shadow_top[made[i]], SHADOW_CHUNK_BYTES, MADV_DONTNEED);
}

void detector_shadow_mark(void (*own)(void *start, size_t size))
{
    if (!shadow_top)
        return;
    own(shadow_top, SHADOW_TOP_ENTRIES * sizeof *shadow_top);
    for (size_t i = 0; i < made_count; i++)
        own(shadow_top[made[i]], SHADOW_CHUNK_BYTES);
    made_at_mark = made_count;
}

void detector_shadow_rewind(void)
{
    for (size_t i = made_at_mark; i < made_count; i++)
        shadow_top[made[i]] = NULL;
}
