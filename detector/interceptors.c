/*
 * What the compiler does not instrument: libc's memory routines and the
 * heap's lifetime, by symbol interposition. libweft defines memcpy, malloc,
 * free, ... itself; the program's calls (and other libraries') reach these
 * first, and they forward to libc's own: the allocator through its
 * __libc_* entry points, the rest through dlsym(RTLD_NEXT), looked up on
 * first use.
 *
 * libweft's own calls never reach them: every other libweft source is
 * compiled with own_libc.h, which renames memcpy, malloc, ... there to the
 * hidden weft_own_* entries below (the same work, unchecked), so the
 * runtime's and the detector's memory is never taken for the user's. Chosen
 * over the alternatives because it costs the interceptors nothing: in the
 * static archive (what most programs link) there is one memcpy, this one,
 * so -Bsymbolic-functions or hidden visibility could only bind weft's calls
 * to the checking entry; a test of the caller's address would add work to
 * every user call, needs weft's text in one range (it is not, in a static
 * link), and would still miss the libraries weft calls. Those libraries
 * (libdw, libunwind, capstone, glibc's stdio) call the public entries:
 * their callers in weft hold det.busy, the one way to say "weft at work"
 * at run time.
 *
 * Invariants:
 *  - They check nothing until an instrumented object started the detector,
 *    nor while a library weft calls runs (det.busy), nor on any thread but
 *    the one that runs the goroutines.
 *  - malloc's memory starts clean: no access to an earlier block at that
 *    address can race with the new owner's. free writes the whole block,
 *    so a use after free by an unordered goroutine is a race. weft's own
 *    blocks (weft_own_*) leave the shadow alone: no instrumented code
 *    touches them, and a block the program gets is cleaned then.
 *  - Until dlsym has answered, the string routines are simple loops
 *    (dlsym may allocate, and allocating must not need them).
 * This file is compiled with -fno-builtin: the compiler must not turn the
 * loops below back into calls of the functions being defined; and without
 * own_libc.h (WEFT_INTERCEPTORS_C), since it defines both sides.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "heap.h"
#include "shadow.h"
#include "state.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static __thread bool detector_thread __attribute__((tls_model("initial-exec")));

void interceptors_start(void)
{
    detector_thread = true;
}

static inline bool intercepting(void)
{
    return unlikely(det.checking) && det.busy == 0 && detector_thread;
}

void interceptors_check_range(const void *addr, size_t size, bool write,
                              uintptr_t pc)
{
    if (size && intercepting())
        access_range((uintptr_t)addr, size, write ? CELL_WRITE : 0, pc);
}

#define CALLER_PC ((uintptr_t)__builtin_return_address(0))
#define CHECK_READ(addr, size)                                                 \
    interceptors_check_range((addr), (size), false, CALLER_PC)
#define CHECK_WRITE(addr, size)                                                \
    interceptors_check_range((addr), (size), true, CALLER_PC)

/* ---- libc's own routines ---- */

static bool resolving;

static void *resolve(const char *name)
{
    resolving = true;
    void *f = dlsym(RTLD_NEXT, name);
    resolving = false;
    return f;
}

#define REAL(type, name, ...)                                                  \
    static type (*real_##name)(__VA_ARGS__);                                   \
    static inline bool have_##name(void)                                       \
    {                                                                          \
        if (likely(real_##name != NULL))                                       \
            return true;                                                       \
        if (resolving)                                                         \
            return false;                                                      \
        real_##name = (type(*)(__VA_ARGS__))resolve(#name);                    \
        return real_##name != NULL;                                            \
    }

REAL(void *, memcpy, void *, const void *, size_t)
REAL(void *, memmove, void *, const void *, size_t)
REAL(void *, memset, void *, int, size_t)
REAL(int, memcmp, const void *, const void *, size_t)
REAL(size_t, strlen, const char *)
REAL(char *, strcpy, char *, const char *)
REAL(char *, strncpy, char *, const char *, size_t)
REAL(char *, strcat, char *, const char *)
REAL(int, strcmp, const char *, const char *)
REAL(int, strncmp, const char *, const char *, size_t)

/* libweft's own entries (own_libc.h): not part of its ABI */
#define OWN __attribute__((visibility("hidden")))

static void *move_bytes(void *to, const void *from, size_t n)
{
    volatile unsigned char *d = to;
    const volatile unsigned char *s = from;
    if (d < s)
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    else
        for (size_t i = n; i-- > 0;)
            d[i] = s[i];
    return to;
}

OWN void *weft_own_memcpy(void *to, const void *from, size_t size)
{
    return have_memcpy() ? real_memcpy(to, from, size)
                         : move_bytes(to, from, size);
}

OWN void *weft_own_memmove(void *to, const void *from, size_t size)
{
    return have_memmove() ? real_memmove(to, from, size)
                          : move_bytes(to, from, size);
}

OWN void *weft_own_memset(void *to, int byte, size_t size)
{
    if (have_memset())
        return real_memset(to, byte, size);
    volatile unsigned char *d = to;
    for (size_t i = 0; i < size; i++)
        d[i] = (unsigned char)byte;
    return to;
}

OWN int weft_own_memcmp(const void *a, const void *b, size_t size)
{
    if (have_memcmp())
        return real_memcmp(a, b, size);
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < size; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

OWN size_t weft_own_strlen(const char *s)
{
    if (have_strlen())
        return real_strlen(s);
    size_t n = 0;
    while (((const volatile char *)s)[n])
        n++;
    return n;
}

OWN char *weft_own_strcpy(char *to, const char *from)
{
    if (have_strcpy())
        return real_strcpy(to, from);
    return weft_own_memcpy(to, from, weft_own_strlen(from) + 1);
}

OWN char *weft_own_strncpy(char *to, const char *from, size_t size)
{
    if (have_strncpy())
        return real_strncpy(to, from, size);
    size_t n = 0;
    while (n < size && from[n])
        n++;
    weft_own_memcpy(to, from, n);
    weft_own_memset(to + n, 0, size - n);
    return to;
}

OWN char *weft_own_strcat(char *to, const char *from)
{
    if (have_strcat())
        return real_strcat(to, from);
    weft_own_strcpy(to + weft_own_strlen(to), from);
    return to;
}

/* Bytes strcmp/strncmp read: up to the first difference or NUL. */
static size_t compared(const char *a, const char *b, size_t max)
{
    size_t i = 0;
    while (i < max && a[i] == b[i] && a[i])
        i++;
    return i < max ? i + 1 : max;
}

OWN int weft_own_strcmp(const char *a, const char *b)
{
    if (have_strcmp())
        return real_strcmp(a, b);
    size_t n = compared(a, b, SIZE_MAX);
    return (unsigned char)a[n - 1] - (unsigned char)b[n - 1];
}

OWN int weft_own_strncmp(const char *a, const char *b, size_t size)
{
    if (have_strncmp())
        return real_strncmp(a, b, size);
    size_t n = compared(a, b, size);
    return n ? (unsigned char)a[n - 1] - (unsigned char)b[n - 1] : 0;
}

OWN char *weft_own_strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

/* ---- the same, checked as the caller's accesses ---- */

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
    size_t n = compared(a, b, SIZE_MAX);
    CHECK_READ(a, n);
    CHECK_READ(b, n);
    return weft_own_strcmp(a, b);
}

int strncmp(const char *a, const char *b, size_t size)
{
    size_t n = compared(a, b, size);
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

/* ---- the heap: glibc's, or the schedule heap (heap.h) once it is on ----
 */

/* glibc's, found once; dlsym may allocate, and fresh() asks for sizes,
 * so while it resolves a size is 0 (nothing to clear). */
static size_t libc_usable_size(void *p)
{
    static size_t (*libc)(void *);
    static bool resolving;
    if (!libc) {
        if (resolving)
            return 0;
        resolving = true;
        libc = (size_t(*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
        resolving = false;
        if (!libc)
            return 0;
    }
    return libc(p);
}

size_t malloc_usable_size(void *p)
{
    if (!p)
        return 0;
    return heap_owns(p) ? heap_usable_size(p) : libc_usable_size(p);
}

OWN void *weft_own_malloc(size_t size)
{
    return heap_on() ? heap_alloc(size, 16) : __libc_malloc(size);
}

OWN void *weft_own_calloc(size_t count, size_t size)
{
    if (!heap_on())
        return __libc_calloc(count, size);
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = heap_alloc(count * size, 16);
    if (p)
        weft_own_memset(p, 0, count * size); /* a reused block is not */
    return p;
}

OWN void weft_own_free(void *p)
{
    if (heap_owns(p))
        heap_free(p);
    else
        __libc_free(p);
}

/* realloc in the schedule heap: a new block, the old one's bytes, and the
 * old one freed, wherever it came from. */
static void *heap_realloc(void *p, size_t size)
{
    void *q = heap_alloc(size, 16);
    if (!q)
        return NULL;
    if (p) {
        size_t old = malloc_usable_size(p);
        weft_own_memcpy(q, p, old < size ? old : size);
        weft_own_free(p);
    }
    return q;
}

OWN void *weft_own_realloc(void *p, size_t size)
{
    return heap_on() ? heap_realloc(p, size) : __libc_realloc(p, size);
}

OWN void *weft_own_memalign(size_t alignment, size_t size)
{
    return heap_on() ? heap_alloc(size, alignment < 16 ? 16 : alignment)
                     : __libc_memalign(alignment, size);
}

OWN void *weft_own_aligned_alloc(size_t alignment, size_t size)
{
    return weft_own_memalign(alignment, size);
}

static int allocate_aligned(void **out, size_t alignment, size_t size,
                            void *(*allocate)(size_t alignment, size_t size))
{
    if (alignment % sizeof(void *) || (alignment & (alignment - 1)))
        return 22; /* EINVAL */
    void *p = allocate(alignment, size);
    if (!p && size)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}

OWN int weft_own_posix_memalign(void **out, size_t alignment, size_t size)
{
    return allocate_aligned(out, alignment, size, weft_own_memalign);
}

/* The program's: its blocks start clean, and freeing one is a write. */

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
    return allocate_aligned(out, alignment, size, memalign);
}
