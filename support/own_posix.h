/*
 * The real POSIX routines behind the posix layer's interposed ones
 * (own_posix.c): what a program's call reaches outside weft, and what
 * weft's own calls always reach (own_libc.h's WEFT_OWN_POSIX).
 */
#ifndef WEFT_SUPPORT_OWN_POSIX_H
#define WEFT_SUPPORT_OWN_POSIX_H

/* libc's NAME (of symbol VERSION, when not NULL): never NULL (a libc
 * without it ends the process with a message). */
void *real_symbol(const char *name, const char *version)
    __attribute__((visibility("hidden")));

/* The real exit, for a file that defines the program's names itself
 * (WEFT_DEFINES_POSIX). */
_Noreturn void weft_own_exit(int status) __attribute__((visibility("hidden")));

/* The real NAME, looked up once per call site. */
#define REAL(name)                                                             \
    ({                                                                         \
        static __typeof__(name) *real_;                                        \
        if (!real_)                                                            \
            real_ = (__typeof__(name) *)real_symbol(#name, NULL);              \
        real_;                                                                 \
    })

#endif
