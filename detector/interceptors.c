/*
 * What the compiler does not instrument: libc's memory routines and the
 * heap's lifetime, by symbol interposition. libweft defines memcpy, malloc,
 * free, ... itself; the program's calls (and other libraries') reach these
 * first: each checks the call as the caller's accesses, then does the work
 * through weft's own unchecked entry (support/own_libc.h: libc's routine,
 * glibc's allocator or the schedule heap).
 *
 * libweft's own calls never reach them: every libweft source is compiled
 * with own_libc.h, which binds memcpy, malloc, ... there to those entries,
 * so the runtime's and the detector's memory is never taken for the
 * user's. Chosen over the alternatives because it costs the interceptors
 * nothing: in the static archive (what most programs link) there is one
 * memcpy, this one, so -Bsymbolic-functions or hidden visibility could only
 * bind weft's calls to the checking entry; a test of the caller's address
 * would add work to every user call, needs weft's text in one range (it is
 * not, in a static link), and would still miss the libraries weft calls.
 * Those libraries (libdw, libunwind, capstone, glibc's stdio) call the
 * public entries: their callers in weft hold own_work (own_work.h), the
 * one way to say "weft at work" at run time.
 *
 * Invariants:
 *  - They check nothing until an instrumented object started the detector,
 *    nor while a library weft calls runs (own_work), nor on any thread but
 *    the one that runs the goroutines.
 *  - malloc's memory starts clean: no access to an earlier block at that
 *    address can race with the new owner's. free writes the whole block,
 *    so a use after free by an unordered goroutine is a race. weft's own
 *    blocks (weft_own_*) leave the shadow alone: no instrumented code
 *    touches them, and a block the program gets is cleaned then.
 * This file is compiled with -fno-builtin (the compiler must not turn a
 * loop back into a call of the function being defined) and with
 * WEFT_DEFINES_LIBC, since it defines memcpy itself.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "detector.h"
#include "own_libc.h"
#include "own_work.h"
#include "shadow.h"
#include "state.h"

static __thread bool detector_thread __attribute__((tls_model("initial-exec")));

void interceptors_start(void)
{
    detector_thread = true;
}

void detector_thread_locals(void (*keep)(const void *address, size_t size))
{
    keep(&detector_thread, sizeof detector_thread);
}

static inline bool intercepting(void)
{
    return unlikely(det.checking) && own_work_depth == 0 && detector_thread;
}

void interceptors_check_range(const void *addr, size_t size, bool write,
                              uintptr_t pc)
{
    if (size && intercepting())
        access_range((uintptr_t)addr, size, write ? CELL_WRITE : 0, pc);
}

#define CHECK_READ(addr, size)                                                 \
    interceptors_check_range((addr), (size), false, CALLER_PC)
#define CHECK_WRITE(addr, size)                                                \
    interceptors_check_range((addr), (size), true, CALLER_PC)

/* ---- libc's routines, checked as the caller's accesses ---- */

void *memcpy(void *to, const void *from, size_t size)
{
    CHECK_READ(from, size);
    CHECK_WRITE(to, size);
    return weft_own_memcpy(to, from, size);
}

void *memmove(void *to, const void *from, size_t size)
{
    CHECK_READ(from, size);
    CHECK_WRITE(to, size);
    return weft_own_memmove(to, from, size);
}

void *memset(void *to, int byte, size_t size)
{
    CHECK_WRITE(to, size);
    return weft_own_memset(to, byte, size);
}

int memcmp(const void *a, const void *b, size_t size)
{
    CHECK_READ(a, size);
    CHECK_READ(b, size);
    return weft_own_memcmp(a, b, size);
}

size_t strlen(const char *s)
{
    size_t n = weft_own_strlen(s);
    CHECK_READ(s, n + 1);
    return n;
}

char *strcpy(char *to, const char *from)
{
    size_t n = weft_own_strlen(from) + 1;
    CHECK_READ(from, n);
    CHECK_WRITE(to, n);
    return weft_own_strcpy(to, from);
}

char *strncpy(char *to, const char *from, size_t size)
{
    size_t n = 0;
    while (n < size && from[n])
        n++;
    CHECK_READ(from, n < size ? n + 1 : size);
    CHECK_WRITE(to, size);
    return weft_own_strncpy(to, from, size);
}

char *strcat(char *to, const char *from)
{
    size_t at = weft_own_strlen(to), n = weft_own_strlen(from) + 1;
    CHECK_READ(to, at + 1);
    CHECK_READ(from, n);
    CHECK_WRITE(to + at, n);
    return weft_own_strcat(to, from);
}

int strcmp(const char *a, const char *b)
{
    size_t n = weft_own_compared(a, b, SIZE_MAX);
    CHECK_READ(a, n);
    CHECK_READ(b, n);
    return weft_own_strcmp(a, b);
}

int strncmp(const char *a, const char *b, size_t size)
{
    size_t n = weft_own_compared(a, b, size);
    CHECK_READ(a, n);
    CHECK_READ(b, n);
    return weft_own_strncmp(a, b, size);
}

char *strchr(const char *s, int c)
{
    char *found = weft_own_strchr(s, c);
    size_t n = found ? (size_t)(found - s) : weft_own_strlen(s);
    CHECK_READ(s, n + 1);
    return found;
}

/* ---- the heap, the program's: its blocks start clean, and freeing one is a
 * write ---- */

size_t malloc_usable_size(void *p)
{
    return weft_own_usable_size(p);
}

static void fresh(void *p)
{
    if (p && intercepting())
        shadow_clear((uintptr_t)p, malloc_usable_size(p));
}

void *malloc(size_t size)
{
    void *p = weft_own_malloc(size);
    fresh(p);
    return p;
}

void *calloc(size_t count, size_t size)
{
    void *p = weft_own_calloc(count, size);
    fresh(p);
    return p;
}

void free(void *p)
{
    if (!p)
        return;
    CHECK_WRITE(p, malloc_usable_size(p));
    weft_own_free(p);
}

void *realloc(void *p, size_t size)
{
    if (p)
        CHECK_WRITE(p, malloc_usable_size(p));
    void *q = weft_own_realloc(p, size);
    fresh(q);
    if (q)
        CHECK_WRITE(q, size);
    return q;
}

void *memalign(size_t alignment, size_t size)
{
    void *p = weft_own_memalign(alignment, size);
    fresh(p);
    return p;
}

void *aligned_alloc(size_t alignment, size_t size)
{
    return memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    int error = weft_own_posix_memalign(out, alignment, size);
    if (error == 0)
        fresh(*out);
    return error;
}
