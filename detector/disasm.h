/*
 * One instruction, disassembled (capstone): shared by the detector's race
 * reports and the runtime's crash tracebacks, so capstone is set up in one
 * place (disasm.c).
 */
#ifndef WEFT_DETECTOR_DISASM_H
#define WEFT_DETECTOR_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the instruction at pc as "mov dword ptr [rax], 8" into out.
 * Returns false, writing nothing, when pc is not readable or not an
 * instruction. Reads the code without faulting on an unmapped pc, so a
 * signal handler may call it for the pc that faulted. */
bool disasm_instruction(uintptr_t pc, char *out, size_t size);

#endif
