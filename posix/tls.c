/*
 * Thread-locals per thread: the program's __thread (thread_local)
 * variables, those of its executable's TLS block, are each thread's own,
 * as POSIX gives them. One OS thread runs every goroutine, so one block
 * holds them: at each switch to another thread its bytes are saved into
 * the outgoing thread's copy and the incoming thread's copy is put in. A
 * thread's first copy is the TLS image, as a new thread's block is
 * (.tdata's bytes, then .tbss zeroed).
 *
 * Invariants:
 *  - tls.installed is the thread whose copy the block holds now; every
 *    other thread that has run keeps its own in posix_thread.tls (one that
 *    has ended keeps none).
 *  - Only the program's bytes move: weft's own thread-locals (ws, ...)
 *    lie in the same block when libweft is linked statically, and stay
 *    (tls.segments are the block's bytes less those).
 *  - glibc's thread-locals (errno, malloc's cache) and other libraries'
 *    are in blocks of their own, never touched.
 *  - The detector sees the block as fresh memory after each swap, so two
 *    threads' accesses to their own copies (at the same address) never
 *    race; once the program hands the address of one of its thread-locals
 *    to pthread_create, the block's accesses are checked as shared memory
 *    from then on (tls.escaped), so a race through that address is found.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"
#include "posix_threads.h"

enum { KEPT_MAX = 16 };

struct segment {
    size_t offset, size;
};

static struct {
    unsigned char *block; /* on this thread; NULL: the program has none */
    size_t size;
    const unsigned char *image; /* .tdata's bytes, image_size of them */
    size_t image_size;
    struct segment kept[KEPT_MAX]; /* weft's, within the block */
    size_t kept_count;
    struct segment segments[KEPT_MAX + 1]; /* the program's */
    size_t segment_count;
    struct posix_thread *installed;
    bool escaped;
} tls;

/* The executable's TLS block on this thread, from its PT_TLS header. */
static int find_block(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size, (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        if (header->p_type != PT_TLS || !info->dlpi_tls_data)
            continue;
        tls.block = info->dlpi_tls_data;
        tls.size = header->p_memsz;
        tls.image = (const unsigned char *)(info->dlpi_addr + header->p_vaddr);
        tls.image_size = header->p_filesz;
    }
    return 1; /* the executable comes first: no other */
}

static int by_offset(const void *a, const void *b)
{
    const struct segment *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

/* The block's bytes between weft's own. */
static void find_segments(void)
{
    qsort(tls.kept, tls.kept_count, sizeof *tls.kept, by_offset);
    size_t from = 0;
    tls.segment_count = 0;
    for (size_t i = 0; i <= tls.kept_count; i++) {
        size_t to = i < tls.kept_count ? tls.kept[i].offset : tls.size;
        if (to > from)
            tls.segments[tls.segment_count++] =
                (struct segment){from, to - from};
        if (i < tls.kept_count && tls.kept[i].offset + tls.kept[i].size > from)
            from = tls.kept[i].offset + tls.kept[i].size;
    }
}

void posix_keep_thread_local(const void *address, size_t size)
{
    const unsigned char *at = address;
    if (!tls.block || at < tls.block || at >= tls.block + tls.size)
        return; /* in a block of its own (libweft.so) */
    if (tls.kept_count == KEPT_MAX)
        posix_refuse("thread-locals", "weft keeps too many of its own");
    tls.kept[tls.kept_count++] =
        (struct segment){(size_t)(at - tls.block), size};
    find_segments();
}

/* A new thread's copy: the image's bytes, zeroes past them. */
static unsigned char *first_copy(void)
{
    unsigned char *copy = calloc(1, tls.size);
    if (!copy)
        weft_panic("pthread_create: out of memory for thread-locals");
    memcpy(copy, tls.image, tls.image_size);
    return copy;
}

static void copy_segments(unsigned char *to, const unsigned char *from)
{
    for (size_t i = 0; i < tls.segment_count; i++) {
        const struct segment *s = &tls.segments[i];
        memcpy(to + s->offset, from + s->offset, s->size);
    }
}

/* At each switch (runtime_on_switch): thread's copy in, the one there
 * out. A goroutine of weft's own (no thread) runs none of the program's
 * code: the block stays. */
static void switch_thread_locals(void *posix_slot)
{
    struct posix_thread *next = posix_slot, *out = tls.installed;
    if (!next || next == out)
        return;
    if (out->ended) {
        free(out->tls);
        out->tls = NULL;
    } else {
        if (!out->tls)
            out->tls = malloc(tls.size);
        if (!out->tls)
            weft_panic("thread-locals: out of memory");
        copy_segments(out->tls, tls.block);
    }
    if (!next->tls)
        next->tls = first_copy();
    copy_segments(tls.block, next->tls);
    tls.installed = next;
    if (!tls.escaped)
        posix_memory_fresh(tls.block, tls.size);
}

void posix_tls_start(void)
{
    tls.block = NULL;
    tls.kept_count = 0;
    tls.escaped = false;
    dl_iterate_phdr(find_block, NULL);
    if (!tls.block)
        return;
    find_segments();
    posix_keep_thread_local(&posix_thread, sizeof posix_thread);
    posix_keep_thread_local(&own_work_depth, sizeof own_work_depth);
    runtime_thread_locals(posix_keep_thread_local);
    tls.installed = posix_self();
    runtime_on_switch(switch_thread_locals);
}

void posix_tls_handed(const void *address)
{
    const unsigned char *at = address;
    if (tls.block && at >= tls.block && at < tls.block + tls.size)
        tls.escaped = true;
}
