/*
 * The schedule heap: malloc at addresses that depend only on the
 * allocations made since heap_start (heap.c). The harness starts it in each
 * schedule's process, so `weft test` and `weft replay` name the same heap
 * addresses; weft's allocator (own_libc.c) serves from it once it is on.
 */
#ifndef WEFT_SUPPORT_HEAP_H
#define WEFT_SUPPORT_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* Maps the region; false (and the heap stays off) if its fixed address is
 * taken. */
bool heap_start(void);
/* Maps the region without turning the heap on, for a process that runs
 * schedule after schedule (the schedule server): each heap_start after it
 * starts from the region's first byte without mapping it again. The
 * region's address and size, and how far the schedule that ran used it
 * (what the next must find zeroed), through the three below. */
bool heap_reserve(void);
void *heap_region(size_t *size);
size_t heap_used(void);
bool heap_on(void);
/* Whether p is a block of this heap (not glibc's, from before). */
bool heap_owns(const void *p);
/* NULL when the region is spent. alignment: a power of two. */
void *heap_alloc(size_t size, size_t alignment);
void heap_free(void *p);
size_t heap_usable_size(const void *p);

#endif
