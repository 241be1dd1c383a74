/*
 * glibc's own allocator, under the names it exports for exactly this: a
 * library that defines malloc itself (detector/interceptors.c) reaches the
 * real one through them, and so does weft's own bookkeeping.
 */
#ifndef WEFT_SUPPORT_LIBC_H
#define WEFT_SUPPORT_LIBC_H

#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#endif
