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

/* A ThreadSanitizer build of the runtime itself (tests/CMakeLists.txt,
 * WEFT_TSAN_RUNTIME): each context is a TSan fiber, switched to just before
 * the switch, so TSan keeps a shadow stack and clock per goroutine and
 * checks the runtime's own state across worker threads. Nothing otherwise. */
#ifdef WEFT_TSAN_RUNTIME
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#define FIBER_CURRENT() __tsan_get_current_fiber()
#define FIBER_CREATE() __tsan_create_fiber(0)
#define FIBER_DESTROY(fiber) __tsan_destroy_fiber(fiber)
#define FIBER_SWITCH(fiber) __tsan_switch_to_fiber((fiber), 0)
#else
#define FIBER_CURRENT() NULL
#define FIBER_CREATE() NULL
#define FIBER_DESTROY(fiber) ((void)(fiber))
#define FIBER_SWITCH(fiber) ((void)(fiber))
#endif

#endif
