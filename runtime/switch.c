/* The first frame of a new goroutine, as switch_<arch>.S expects it. */
#include "switch.h"

#include <stdint.h>
#include <string.h>

void weft_context_start(void);

#if defined(__x86_64__)
enum { FPU_DEFAULT_MXCSR = 0x1f80, FPU_DEFAULT_X87_CW = 0x037f };

void *context_init(void *stack_top, void (*entry)(void))
{
    /* After the initial "ret" into weft_context_start, rsp must be 16-byte
     * aligned so its call gives the entry function the ABI's alignment. */
    uintptr_t top = ((uintptr_t)stack_top & ~(uintptr_t)15) - 16;
    uint64_t *sp = (uint64_t *)top;
    *--sp = (uint64_t)(uintptr_t)weft_context_start; /* return address */
    *--sp = 0;                                       /* rbp */
    *--sp = 0;                                       /* rbx */
    *--sp = (uint64_t)(uintptr_t)entry;              /* r12 */
    *--sp = 0;                                       /* r13 */
    *--sp = 0;                                       /* r14 */
    *--sp = 0;                                       /* r15 */
    --sp;
    uint32_t control[2] = {FPU_DEFAULT_MXCSR, FPU_DEFAULT_X87_CW};
    memcpy(sp, control, sizeof control);
    return sp;
}
#elif defined(__aarch64__)
void *context_init(void *stack_top, void (*entry)(void))
{
    /* 24 words: x19..x28, fp, lr, d8..d15, fpcr, padding. x19 carries the
     * entry function; lr is where the first switch "returns" to. */
    uintptr_t top = (uintptr_t)stack_top & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 24 * 8);
    memset(sp, 0, 24 * 8);
    sp[0] = (uint64_t)(uintptr_t)entry;
    sp[11] = (uint64_t)(uintptr_t)weft_context_start;
    return sp;
}
#else
#error "weft: unsupported architecture (x86-64 and aarch64 are supported)"
#endif
