/*
 * libweft's own libc (own_libc.h): the routines the detector intercepts,
 * reached without a check. The string routines are libc's, through
 * dlsym(RTLD_NEXT), looked up on first use; the allocator is glibc's
 * (its __libc_* entry points), or the schedule heap (heap.h) once a
 * schedule's process turned it on. The detector's interceptors
 * (detector/interceptors.c) check a program's call and then do the same
 * work through these.
 *
 * Invariant: until dlsym has answered, the string routines are simple
 * loops (dlsym may allocate, and allocating must not need them). This file
 * is compiled with -fno-builtin (the compiler must not turn those loops
 * back into calls of the functions they stand for) and without the
 * renaming of own_libc.h, since it defines the entries themselves.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "own_libc.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"
#include "heap.h"
#include "libc.h"
#include "own_work.h"

/* weft inside a library it calls (own_work.h): the other way its work
 * passes the interceptors unchecked */
__thread unsigned own_work_depth __attribute__((tls_model("initial-exec")));

/* libweft's own entries (own_libc.h): not part of its ABI */
#define OWN __attribute__((visibility("hidden")))

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
OWN size_t weft_own_compared(const char *a, const char *b, size_t max)
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
    size_t n = weft_own_compared(a, b, SIZE_MAX);
    return (unsigned char)a[n - 1] - (unsigned char)b[n - 1];
}

OWN int weft_own_strncmp(const char *a, const char *b, size_t size)
{
    if (have_strncmp())
        return real_strncmp(a, b, size);
    size_t n = weft_own_compared(a, b, size);
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

/* ---- the heap: glibc's, or the schedule heap (heap.h) once it is on ---- */

/* glibc's entry points, which no interceptor sees; but in weft's sources
 * built against libtsan (its own test), TSan's allocator for every block:
 * TSan intercepts __libc_memalign and not __libc_free, so mixing the two
 * would free its blocks into glibc. (The plain names are renamed to the
 * weft_own_* entries there: libtsan's own names for its interceptors.) */
#ifdef WEFT_TSAN_RUNTIME
#define LIBC_HEAP(name) __interceptor_##name
void *__interceptor_malloc(size_t size);
void *__interceptor_calloc(size_t count, size_t size);
void *__interceptor_realloc(void *p, size_t size);
void *__interceptor_memalign(size_t alignment, size_t size);
void __interceptor_free(void *p);
#else
#define LIBC_HEAP(name) __libc_##name
#endif

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

OWN size_t weft_own_usable_size(void *p)
{
    if (!p)
        return 0;
    return heap_owns(p) ? heap_usable_size(p) : libc_usable_size(p);
}

OWN void *weft_own_malloc(size_t size)
{
    return heap_on() ? heap_alloc(size, 16) : LIBC_HEAP(malloc)(size);
}

OWN void *weft_own_calloc(size_t count, size_t size)
{
    if (!heap_on())
        return LIBC_HEAP(calloc)(count, size);
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
        LIBC_HEAP(free)(p);
}

/* realloc in the schedule heap: a new block, the old one's bytes, and the
 * old one freed, wherever it came from. */
static void *heap_realloc(void *p, size_t size)
{
    void *q = heap_alloc(size, 16);
    if (!q)
        return NULL;
    if (p) {
        size_t old = weft_own_usable_size(p);
        weft_own_memcpy(q, p, old < size ? old : size);
        weft_own_free(p);
    }
    return q;
}

OWN void *weft_own_realloc(void *p, size_t size)
{
    return heap_on() ? heap_realloc(p, size) : LIBC_HEAP(realloc)(p, size);
}

OWN void *weft_own_memalign(size_t alignment, size_t size)
{
    return heap_on() ? heap_alloc(size, alignment < 16 ? 16 : alignment)
                     : LIBC_HEAP(memalign)(alignment, size);
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
