/*
 * libweft's own calls of the libc routines it intercepts, bound to
 * unchecked entries at compile time.
 *
 * libweft defines memcpy, malloc, free, ... for the program
 * (detector/interceptors.c), so a plain call from weft's own code would
 * reach those definitions too and be checked as an access of the running
 * goroutine. The build gives this header to every libweft source with
 * -include (CMakeLists.txt); the asm labels below rename the functions,
 * and an assembler alias binds the names the compiler calls on its own
 * (clang's struct copies), so weft's calls, and the copies the compiler
 * writes itself (a struct assignment, a loop it recognises), go to the
 * hidden weft_own_* entries instead (own_libc.c): libc's routine or the
 * allocator the interceptor would use, with no check. A static archive has
 * one memcpy symbol, the interceptor, so the linker (-Bsymbolic,
 * visibility) cannot do this; and a test of the caller's address would cost
 * every interceptor call. The two files that define the entries or memcpy
 * itself (own_libc.c, detector/interceptors.c) are compiled with
 * WEFT_DEFINES_LIBC: they see the entries by their own names instead.
 *
 * Only declarations and aliases: nothing here may include a libc header,
 * or the _GNU_SOURCE a file defines first would come too late.
 */
#ifndef WEFT_SUPPORT_OWN_LIBC_H
#define WEFT_SUPPORT_OWN_LIBC_H

#include <stddef.h>

/* X(return type, name, parameters): every routine the detector intercepts */
#define WEFT_OWN_LIBC(X)                                                       \
    X(void *, memcpy, (void *to, const void *from, size_t size))               \
    X(void *, memmove, (void *to, const void *from, size_t size))              \
    X(void *, memset, (void *to, int byte, size_t size))                       \
    X(int, memcmp, (const void *a, const void *b, size_t size))                \
    X(size_t, strlen, (const char *s))                                         \
    X(char *, strcpy, (char *to, const char *from))                            \
    X(char *, strncpy, (char *to, const char *from, size_t size))              \
    X(char *, strcat, (char *to, const char *from))                            \
    X(int, strcmp, (const char *a, const char *b))                             \
    X(int, strncmp, (const char *a, const char *b, size_t size))               \
    X(char *, strchr, (const char *s, int c))                                  \
    X(void *, malloc, (size_t size))                                           \
    X(void *, calloc, (size_t count, size_t size))                             \
    X(void *, realloc, (void *p, size_t size))                                 \
    X(void, free, (void *p))                                                   \
    X(void *, memalign, (size_t alignment, size_t size))                       \
    X(void *, aligned_alloc, (size_t alignment, size_t size))                  \
    X(int, posix_memalign, (void **out, size_t alignment, size_t size))

/* X(name): the POSIX calls weft makes itself that the posix layer
 * interposes for a pthread program (posix/). Renamed by function-like
 * macros rather than asm labels, since their prototypes need libc's types:
 * the libc header's own declaration, expanded, declares the entry with the
 * right ones. weft's lock, thread, clock and sleep so reach the real
 * calls (own_posix.c), never a goroutine's. */
#define WEFT_OWN_POSIX(X)                                                      \
    X(pthread_create)                                                          \
    X(pthread_detach)                                                          \
    X(pthread_mutex_init)                                                      \
    X(pthread_mutex_lock)                                                      \
    X(pthread_mutex_trylock)                                                   \
    X(pthread_mutex_unlock)                                                    \
    X(pthread_cond_wait)                                                       \
    X(pthread_cond_signal)                                                     \
    X(nanosleep)                                                               \
    X(clock_nanosleep)                                                         \
    X(clock_gettime)                                                           \
    X(exit)

/* Not in weft's sources built against TSan's runtime (its own test), which
 * has no posix layer and must see weft's threads and locks: the plain calls
 * reach its interceptors, which dlsym(RTLD_NEXT) skips where clang linked
 * them into the executable itself. */
#if !defined(WEFT_DEFINES_LIBC) && !defined(WEFT_DEFINES_POSIX) &&             \
    !defined(WEFT_TSAN_RUNTIME)
#define pthread_create(...) weft_own_pthread_create(__VA_ARGS__)
#define pthread_detach(...) weft_own_pthread_detach(__VA_ARGS__)
#define pthread_mutex_init(...) weft_own_pthread_mutex_init(__VA_ARGS__)
#define pthread_mutex_lock(...) weft_own_pthread_mutex_lock(__VA_ARGS__)
#define pthread_mutex_trylock(...) weft_own_pthread_mutex_trylock(__VA_ARGS__)
#define pthread_mutex_unlock(...) weft_own_pthread_mutex_unlock(__VA_ARGS__)
#define pthread_cond_wait(...) weft_own_pthread_cond_wait(__VA_ARGS__)
#define pthread_cond_signal(...) weft_own_pthread_cond_signal(__VA_ARGS__)
#define nanosleep(...) weft_own_nanosleep(__VA_ARGS__)
#define clock_nanosleep(...) weft_own_clock_nanosleep(__VA_ARGS__)
#define clock_gettime(...) weft_own_clock_gettime(__VA_ARGS__)
#define exit(...) weft_own_exit(__VA_ARGS__)
#endif

#ifdef WEFT_DEFINES_LIBC
/* the entries, by their own names */
#define WEFT_OWN_ENTRY(type, name, parameters)                                 \
    __attribute__((visibility("hidden"))) type weft_own_##name parameters;
WEFT_OWN_LIBC(WEFT_OWN_ENTRY)
/* the length strcmp/strncmp read: up to the first difference or NUL */
__attribute__((visibility("hidden"))) size_t
weft_own_compared(const char *a, const char *b, size_t max);
/* the usable size of any block, glibc's or the schedule heap's (0: NULL) */
__attribute__((visibility("hidden"))) size_t weft_own_usable_size(void *p);
#else
/* libc's names, bound to the entries */
#define WEFT_OWN_ENTRY(type, name, parameters)                                 \
    type name parameters __asm__("weft_own_" #name)                            \
        __attribute__((visibility("hidden")));
WEFT_OWN_LIBC(WEFT_OWN_ENTRY)
/* and in the assembler: clang's backend calls memcpy/memset/memmove by name
 * for the copies it writes itself, past the labels above, so each object
 * equates the names to the entries, and the assembler relocates those calls
 * against the entries (the alias stays local to the object). gcc honours
 * the labels; for it this changes nothing. */
#define WEFT_OWN_ALIAS(type, name, parameters)                                 \
    ".set " #name ", weft_own_" #name "\n.hidden weft_own_" #name "\n"
__asm__(WEFT_OWN_LIBC(WEFT_OWN_ALIAS));
#undef WEFT_OWN_ALIAS
#endif
#undef WEFT_OWN_ENTRY

#endif
