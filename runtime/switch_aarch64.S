/*
 * The goroutine context switch for AArch64 (AAPCS64). A parked goroutine's
 * stack holds 24 words from its saved sp: x19..x28, fp, lr, d8..d15, fpcr.
 */
    .text

/* void weft_context_switch(void **save_sp, void *load_sp) */
    .globl weft_context_switch
    .hidden weft_context_switch
    .type weft_context_switch, %function
    .align 4
weft_context_switch:
    sub sp, sp, #192
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mrs x9, fpcr
    str x9, [sp, #160]
    mov x9, sp
    str x9, [x0]
    mov sp, x1
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    ldr x9, [sp, #160]
    msr fpcr, x9
    add sp, sp, #192
    ret
    .size weft_context_switch, .-weft_context_switch

/* First code a new goroutine runs; x19 holds the entry function. */
    .globl weft_context_start
    .hidden weft_context_start
    .type weft_context_start, %function
    .align 4
weft_context_start:
    .cfi_startproc
    .cfi_undefined x30
    mov x29, #0
    blr x19
    brk #0
    .cfi_endproc
    .size weft_context_start, .-weft_context_start

    .section .note.GNU-stack,"",%progbits
