/*
 * Goroutine contexts: a stack pointer is the whole saved state, the
 * registers live on the stack it points to (see switch_<arch>.S).
 */
#ifndef WEFT_RUNTIME_SWITCH_H
#define WEFT_RUNTIME_SWITCH_H

/* Saves the running context into *save_sp and resumes the one at load_sp. */
void weft_context_switch(void **save_sp, void *load_sp);

/* Prepares a stack whose top is stack_top so that switching to the returned
 * stack pointer calls entry() on it. entry must never return. */
void *context_init(void *stack_top, void (*entry)(void));

#endif
