/*
 * The schedule heap (heap.h): malloc for one schedule's process, at
 * addresses that depend only on what the schedule allocated.
 *
 * glibc's heap in a forked schedule continues the parent's, and the parent
 * is a different program state under `weft test` and under `weft replay`,
 * so the same schedule would get different addresses in the two, and a
 * report naming a heap address would not replay byte for byte. Here every
 * block comes from one region mapped at a fixed address: sizes up to 1 MiB
 * in classes (each with its own LIFO free list, so reuse is deterministic
 * too), larger ones in whole pages, reused first fit. A 16-byte header
 * before each block holds its class and usable size. Blocks from before
 * (glibc's) are told apart by address and go back to glibc.
 *
 * One thread: schedules run on one.
 */
#define _GNU_SOURCE
#include "heap.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

enum {
    HEADER = 16,
    CLASSES = 2 * 17,      /* 16 B .. 1 MiB, two classes per power of two */
    LARGE = CLASSES,       /* page-granular, first-fit reuse */
    ALIGNED = CLASSES + 1, /* over-aligned: never reused */
    PAGE = 4096,
};

#define REGION_ADDRESS ((uintptr_t)0x500000000000ull)
#define REGION_SIZE ((size_t)64 << 30)

struct header {
    uint32_t class;
    uint32_t magic;
    uint64_t usable;
};
#define MAGIC 0x77656674u /* "weft" */

struct free_block {
    struct free_block *next;
};

static struct {
    bool on, reserved;
    uintptr_t start, next, end;
    struct free_block *free[CLASSES];
    struct free_block *large; /* usable size in each one's header */
} heap;

static size_t class_size(unsigned class)
{
    /* 16, 24, 32, 48, 64, 96, ...: a power of two and one half more */
    size_t base = (size_t)16 << (class / 2);
    return class % 2 ? base + base / 2 : base;
}

static unsigned class_of(size_t size)
{
    unsigned class = 0;
    while (class < CLASSES && class_size(class) < size)
        class ++;
    return class;
}

static struct header *header_of(const void *p)
{
    return (struct header *)((uintptr_t)p - HEADER);
}

static bool map_region(void)
{
    void *region =
        mmap((void *)REGION_ADDRESS, REGION_SIZE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
             -1, 0);
    if (region == MAP_FAILED)
        return false;
    if ((uintptr_t)region != REGION_ADDRESS) { /* an old kernel's hint */
        munmap(region, REGION_SIZE);
        return false;
    }
    return true;
}

bool heap_reserve(void)
{
    if (!heap.reserved)
        heap.reserved = map_region();
    return heap.reserved;
}

void *heap_region(size_t *size)
{
    *size = REGION_SIZE;
    return (void *)REGION_ADDRESS;
}

size_t heap_used(void)
{
    return heap.on ? heap.next - heap.start : 0;
}

bool heap_start(void)
{
    if (!heap.reserved && !map_region())
        return false;
    heap.start = heap.next = REGION_ADDRESS;
    heap.end = REGION_ADDRESS + REGION_SIZE;
    heap.on = true;
    return true;
}

bool heap_on(void)
{
    return heap.on;
}

bool heap_owns(const void *p)
{
    return heap.on && (uintptr_t)p >= heap.start && (uintptr_t)p < heap.end;
}

/* A fresh stretch of the region, for a block of usable bytes aligned so. */
static void *carve(size_t usable, size_t alignment, uint32_t class)
{
    uintptr_t block = (heap.next + HEADER + alignment - 1) & ~(alignment - 1);
    if (block + usable > heap.end || block + usable < block)
        return NULL;
    heap.next = block + usable;
    struct header *h = header_of((void *)block);
    *h = (struct header){.class = class, .magic = MAGIC, .usable = usable};
    return (void *)block;
}

static void *large_alloc(size_t size)
{
    size_t usable = (size + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (usable < size)
        return NULL;
    for (struct free_block **link = &heap.large; *link; link = &(*link)->next) {
        struct free_block *b = *link;
        if (header_of(b)->usable >= usable) {
            *link = b->next;
            return b;
        }
    }
    return carve(usable, PAGE, LARGE);
}

void *heap_alloc(size_t size, size_t alignment)
{
    if (size == 0)
        size = 1;
    if (alignment > HEADER)
        return carve((size + 15) & ~(size_t)15, alignment, ALIGNED);
    unsigned class = class_of(size);
    if (class == CLASSES)
        return large_alloc(size);
    struct free_block *b = heap.free[class];
    if (b) {
        heap.free[class] = b->next;
        return b;
    }
    return carve(class_size(class), HEADER, class);
}

void heap_free(void *p)
{
    struct header *h = header_of(p);
    struct free_block *b = p;
    if (h->class < CLASSES) {
        b->next = heap.free[h->class];
        heap.free[h->class] = b;
    } else if (h->class == LARGE) {
        b->next = heap.large;
        heap.large = b;
    } /* ALIGNED: left; a schedule's process is short-lived */
}

size_t heap_usable_size(const void *p)
{
    return header_of(p)->usable;
}
