/*
 * Instructions, disassembled (capstone): for the detector's race reports
 * and the runtime's crash tracebacks, so capstone is set up in one place
 * (disasm.c).
 */
#ifndef WEFT_SUPPORT_DISASM_H
#define WEFT_SUPPORT_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes the instruction at pc as "mov dword ptr [rax], 8" into out.
 * Returns false, writing nothing, when pc is not readable or not an
 * instruction. Reads the code without faulting on an unmapped pc, so a
 * signal handler may call it for the pc that faulted. */
bool disasm_instruction(uintptr_t pc, char *out, size_t size);

/* Writes "  access: <instruction>" for the memory access made just after
 * the call that returns to pc (an instrumented access's __tsan_* call), if
 * it can be found. */
void disasm_print_access(FILE *out, uintptr_t pc, unsigned size, bool write);

#endif
