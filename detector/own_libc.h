/*
 * libweft's own calls of the libc routines it intercepts, bound to
 * unchecked entries at compile time.
 *
 * libweft defines memcpy, malloc, free, ... for the program (interceptors.c),
 * so a plain call from weft's own code would reach those definitions too and
 * be checked as an access of the running goroutine. The build gives this
 * header to every libweft source with -include (CMakeLists.txt); the asm
 * labels below rename the functions, so weft's calls, and the copies gcc
 * writes itself (a struct assignment, a loop it recognises), go to the
 * hidden weft_own_* entries instead: libc's routine or the allocator the
 * interceptor would use, with no check. A static archive has one memcpy
 * symbol, the interceptor, so the linker (-Bsymbolic, visibility) cannot do
 * this; and a test of the caller's address would cost every interceptor
 * call. interceptors.c, which defines both sides, is compiled without it.
 *
 * Only declarations: nothing here may include a libc header, or the
 * _GNU_SOURCE a file defines first would come too late.
 */
#ifndef WEFT_DETECTOR_OWN_LIBC_H
#define WEFT_DETECTOR_OWN_LIBC_H
#ifndef WEFT_INTERCEPTORS_C

#include <stddef.h>

#define WEFT_OWN(name)                                                         \
    __asm__("weft_own_" #name) __attribute__((visibility("hidden")))

void *memcpy(void *to, const void *from, size_t size) WEFT_OWN(memcpy);
void *memmove(void *to, const void *from, size_t size) WEFT_OWN(memmove);
void *memset(void *to, int byte, size_t size) WEFT_OWN(memset);
int memcmp(const void *a, const void *b, size_t size) WEFT_OWN(memcmp);
size_t strlen(const char *s) WEFT_OWN(strlen);
char *strcpy(char *to, const char *from) WEFT_OWN(strcpy);
char *strncpy(char *to, const char *from, size_t size) WEFT_OWN(strncpy);
char *strcat(char *to, const char *from) WEFT_OWN(strcat);
int strcmp(const char *a, const char *b) WEFT_OWN(strcmp);
int strncmp(const char *a, const char *b, size_t size) WEFT_OWN(strncmp);
char *strchr(const char *s, int c) WEFT_OWN(strchr);

void *malloc(size_t size) WEFT_OWN(malloc);
void *calloc(size_t count, size_t size) WEFT_OWN(calloc);
void *realloc(void *p, size_t size) WEFT_OWN(realloc);
void free(void *p) WEFT_OWN(free);
void *memalign(size_t alignment, size_t size) WEFT_OWN(memalign);
void *aligned_alloc(size_t alignment, size_t size) WEFT_OWN(aligned_alloc);
int posix_memalign(void **out, size_t alignment, size_t size)
    WEFT_OWN(posix_memalign);

#undef WEFT_OWN

#endif
#endif
