/*
 * Shadow memory (see shadow.h). Chunks are never unmapped, only emptied:
 * MADV_DONTNEED gives their pages back and they read as zero (empty cells)
 * when touched again. The list of chunks made is kept for clear_all.
 */
#include "shadow.h"

#include <sys/mman.h>

#include "state.h"

enum {
    TOP_ENTRIES = 1 << (SHADOW_ADDRESS_BITS - SHADOW_CHUNK_SHIFT),
    PAGE = 4096,
};

char **shadow_top;
static uintptr_t *made; /* indexes of chunks made, in order */
static size_t made_count, made_capacity;

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
        shadow_top = reserve(TOP_ENTRIES * sizeof *shadow_top);
}

char *shadow_chunk_create(uintptr_t index)
{
    char *chunk = reserve(SHADOW_CHUNK_BYTES);
    if (made_count == made_capacity) {
        made_capacity = made_capacity ? made_capacity * 2 : 64;
        made = det_realloc(made, made_capacity * sizeof *made);
    }
    made[made_count++] = index;
    shadow_top[index] = chunk;
    return chunk;
}

/* Zeroes [from, to) of shadow: whole pages are given back, edges zeroed. */
static void zero(char *from, char *to)
{
    char *first_page =
        (char *)(((uintptr_t)from + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
    char *last_page = (char *)((uintptr_t)to & ~(uintptr_t)(PAGE - 1));
    if (to - from < 4 * PAGE || first_page >= last_page) {
        det_zero(from, (size_t)(to - from));
        return;
    }
    det_zero(from, (size_t)(first_page - from));
    madvise(first_page, (size_t)(last_page - first_page), MADV_DONTNEED);
    det_zero(last_page, (size_t)(to - last_page));
}

void shadow_clear(uintptr_t addr, size_t size)
{
    uintptr_t end = addr + size;
    addr &= ~(uintptr_t)7;
    while (addr < end) {
        uintptr_t index = addr >> SHADOW_CHUNK_SHIFT;
        uintptr_t chunk_end = (index + 1) << SHADOW_CHUNK_SHIFT;
        uintptr_t stop = end < chunk_end ? end : chunk_end;
        if (index >= TOP_ENTRIES)
            return;
        char *chunk = shadow_top[index];
        if (chunk) {
            size_t first = (addr >> 3) & (SHADOW_WORDS - 1);
            size_t words = ((stop - addr) + 7) >> 3;
            zero(chunk + first * SHADOW_CELL_BYTES,
                 chunk + (first + words) * SHADOW_CELL_BYTES);
            char *stacks = chunk + SHADOW_STACKS_OFFSET;
            zero(stacks + first * SHADOW_STACK_BYTES,
                 stacks + (first + words) * SHADOW_STACK_BYTES);
        }
        addr = stop;
    }
}

void shadow_clear_all(void)
{
    for (size_t i = 0; i < made_count; i++)
        madvise(shadow_top[made[i]], SHADOW_CHUNK_BYTES, MADV_DONTNEED);
}
