/* Compiler helpers every layer uses. */
#ifndef WEFT_SUPPORT_COMPILER_H
#define WEFT_SUPPORT_COMPILER_H

#include <stdint.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* The return address of the current function: the pc reports name for a
 * call into weft (the call's own line, once symbolized at pc-1). */
#define CALLER_PC ((uintptr_t)__builtin_return_address(0))

#endif
