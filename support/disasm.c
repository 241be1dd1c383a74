/*
 * Instructions disassembled with capstone: the one that made an access (race
 * reports), and the one at a faulting pc (crash tracebacks, disasm.h).
 *
 * The compiler calls __tsan_readN/__tsan_writeN just before the access, so
 * the access is among the first instructions after the call's return
 * address. Of those, the first whose memory operand has the access's size
 * and direction is taken, preferring one not based on the frame or stack
 * pointer (at -O0 the pointer is often reloaded from the frame first); for
 * a piece of a range access, the first of the right direction.
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "disasm.h"

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

#ifdef WEFT_CS_ARCH
static bool open_disassembler(csh *handle, bool detail)
{
    if (cs_open(WEFT_CS_ARCH, WEFT_CS_MODE, handle) != CS_ERR_OK)
        return false;
    if (detail)
        cs_option(*handle, CS_OPT_DETAIL, CS_OPT_ON);
    return true;
}
#endif

void disasm_print_access(FILE *out, uintptr_t pc, unsigned size, bool write)
{
#ifdef WEFT_CS_ARCH
    csh handle;
    if (!open_disassembler(&handle, true))
        return;
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

enum { MAX_INSTRUCTION_BYTES = 16 };

/* Copies up to size code bytes from pc, stopping where memory stops being
 * readable: a faulting pc may lie in no mapping, or in one without read
 * permission, and the kernel copies up to the first unreadable byte. */
static size_t copy_code(uintptr_t pc, uint8_t *out, size_t size)
{
    struct iovec local = {.iov_base = out, .iov_len = size};
    struct iovec remote = {.iov_base = (void *)pc, .iov_len = size};
    ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (n >= 0)
        return (size_t)n;
    if (errno == EFAULT)
        return 0;
    /* denied (a seccomp filter): trust the mappings instead */
    uintptr_t page = pc & ~(uintptr_t)4095;
    if (msync((void *)page, 1, MS_ASYNC) != 0)
        return 0;
    if (pc + size > page + 4096 && msync((void *)(page + 4096), 1, MS_ASYNC))
        size = page + 4096 - pc;
    memcpy(out, (const void *)pc, size);
    return size;
}

bool disasm_instruction(uintptr_t pc, char *out, size_t size)
{
#ifdef WEFT_CS_ARCH
    uint8_t code[MAX_INSTRUCTION_BYTES];
    size_t length = copy_code(pc, code, sizeof code);
    csh handle;
    if (length == 0 || !open_disassembler(&handle, false))
        return false;
    cs_insn *insn;
    size_t count = cs_disasm(handle, code, length, pc, 1, &insn);
    if (count)
        snprintf(out, size, "%s%s%s", insn->mnemonic,
                 insn->op_str[0] ? " " : "", insn->op_str);
    if (count)
        cs_free(insn, count);
    cs_close(&handle);
    return count > 0;
#else
    (void)pc, (void)out, (void)size;
    return false;
#endif
}
