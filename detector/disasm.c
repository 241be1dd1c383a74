/*
 * The instruction that made an access, disassembled with capstone.
 *
 * The compiler calls __tsan_readN/__tsan_writeN just before the access, so
 * the access is among the first instructions after the call's return
 * address. Of those, the first whose memory operand has the access's size
 * and direction is taken, preferring one not based on the frame or stack
 * pointer (at -O0 the pointer is often reloaded from the frame first); for
 * a piece of a range access, the first of the right direction.
 */
#include <capstone/capstone.h>
#include <string.h>
#include <sys/mman.h>

#include "report.h"

enum { LOOKAHEAD_BYTES = 128, LOOKAHEAD_INSNS = 24 };

#if defined(__x86_64__)
static bool frame_based(const cs_x86_op *op)
{
    return op->mem.base == X86_REG_RBP || op->mem.base == X86_REG_RSP;
}

/* 0: no fit; 1: the direction fits, not the size (a piece of a range
 * access, a block copy); 2: fits but frame-based; 3: fits. */
static int fit(const cs_insn *insn, unsigned size, bool write)
{
    const cs_x86 *x86 = &insn->detail->x86;
    if (insn->id == X86_INS_CALL || insn->id == X86_INS_LEA ||
        insn->id == X86_INS_NOP)
        return 0;
    int best = 0;
    for (int i = 0; i < x86->op_count; i++) {
        const cs_x86_op *op = &x86->operands[i];
        if (op->type != X86_OP_MEM)
            continue;
        bool writes = op->access & CS_AC_WRITE;
        bool reads = op->access & CS_AC_READ;
        if (op->access && !(write ? writes : reads))
            continue;
        int f = op->size != size  ? (frame_based(op) ? 0 : 1)
                : frame_based(op) ? 2
                                  : 3;
        best = f > best ? f : best;
    }
    return best;
}
#define WEFT_CS_ARCH CS_ARCH_X86
#define WEFT_CS_MODE CS_MODE_64
#elif defined(__aarch64__)
static int fit(const cs_insn *insn, unsigned size, bool write)
{
    (void)size;
    const cs_arm64 *arm = &insn->detail->arm64;
    if (insn->id == ARM64_INS_BL)
        return 0;
    for (int i = 0; i < arm->op_count; i++) {
        const cs_arm64_op *op = &arm->operands[i];
        if (op->type != ARM64_OP_MEM)
            continue;
        bool is_store = strncmp(insn->mnemonic, "st", 2) == 0;
        if (is_store != write)
            continue;
        return op->mem.base == ARM64_REG_SP || op->mem.base == ARM64_REG_X29
                   ? 2
                   : 3;
    }
    return 0;
}
#define WEFT_CS_ARCH CS_ARCH_ARM64
#define WEFT_CS_MODE CS_MODE_ARM
#endif

/* Bytes readable from pc, up to LOOKAHEAD_BYTES: code may end on a page
 * whose successor is not mapped. */
static size_t readable(uintptr_t pc)
{
    uintptr_t page = 4096, next = (pc | (page - 1)) + 1;
    if (next - pc >= LOOKAHEAD_BYTES)
        return LOOKAHEAD_BYTES;
    if (msync((void *)next, 1, MS_ASYNC) == 0)
        return LOOKAHEAD_BYTES;
    return next - pc;
}

void disasm_print_access(FILE *out, uintptr_t pc, unsigned size, bool write)
{
#ifdef WEFT_CS_ARCH
    csh handle;
    if (cs_open(WEFT_CS_ARCH, WEFT_CS_MODE, &handle) != CS_ERR_OK)
        return;
    cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *insns;
    size_t count = cs_disasm(handle, (const uint8_t *)pc, readable(pc), pc,
                             LOOKAHEAD_INSNS, &insns);
    const cs_insn *best = NULL;
    int best_fit = 0;
    for (size_t i = 0; i < count && best_fit < 3; i++) {
        if (cs_insn_group(handle, &insns[i], CS_GRP_RET) ||
            cs_insn_group(handle, &insns[i], CS_GRP_JUMP))
            break;
        int f = fit(&insns[i], size, write);
        if (f > best_fit) {
            best_fit = f;
            best = &insns[i];
        }
    }
    if (best)
        fprintf(out, "  access: %s %s\n", best->mnemonic, best->op_str);
    if (count)
        cs_free(insns, count);
    cs_close(&handle);
#else
    (void)out, (void)pc, (void)size, (void)write;
#endif
}
