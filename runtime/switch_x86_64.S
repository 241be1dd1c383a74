/*
 * The goroutine context switch for x86-64 System V.
 *
 * A parked goroutine's stack holds, from its saved stack pointer upward:
 * MXCSR and the x87 control word (8 bytes), r15, r14, r13, r12, rbx, rbp,
 * and the address to resume at. Everything else is caller-saved, so the
 * compiler has already spilled it around the call.
 */
    .text

/* void weft_context_switch(void **save_sp, void *load_sp) */
    .globl weft_context_switch
    .hidden weft_context_switch
    .type weft_context_switch, @function
    .align 16
weft_context_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movl (%rsp), %eax       /* our control words, still in the registers */
    movzwl 4(%rsp), %edx
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    /* Loading control words stalls the pipeline; the thread already holds
     * ours, so load only what the other goroutine changed. */
    cmpl (%rsp), %eax
    jne 1f
    cmpw 4(%rsp), %dx
    jne 1f
2:  addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
1:  ldmxcsr (%rsp)
    fldcw 4(%rsp)
    jmp 2b
    .cfi_endproc
    .size weft_context_switch, .-weft_context_switch

/*
 * First code a new goroutine runs: context_init leaves the entry function in
 * r12. The undefined return address ends every unwind here.
 */
    .globl weft_context_start
    .hidden weft_context_start
    .type weft_context_start, @function
    .align 16
weft_context_start:
    .cfi_startproc
    .cfi_undefined rip
    xorl %ebp, %ebp
    callq *%r12
    ud2
    .cfi_endproc
    .size weft_context_start, .-weft_context_start

    .section .note.GNU-stack,"",@progbits
