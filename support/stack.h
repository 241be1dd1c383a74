/*
 * Call stacks: capture them cheaply where events happen, symbolize and print
 * them only when a report is written.
 *
 * A captured stack is an array of return addresses, innermost first. Every
 * entry but a faulting pc (see first_exact) points just past a call, so it is
 * symbolized at pc-1 to name the call's own line.
 */
#ifndef WEFT_SUPPORT_STACK_H
#define WEFT_SUPPORT_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { STACK_MAX_FRAMES = 64 };

/* Fills pcs with up to max return addresses of the calling thread or
 * goroutine, innermost first, and returns how many it wrote. skip=0 makes
 * pcs[0] the return address into the caller of stack_capture; each more skips
 * one more of the caller's frames. Allocation-free and frugal with stack
 * (about 2 KiB), so it runs on small goroutine stacks and hot paths. */
size_t stack_capture(uintptr_t *pcs, size_t max, size_t skip);

/* Unwinds the code a signal interrupted, from the handler's ucontext_t:
 * pcs[0] is the interrupted pc itself (exact: print with first_exact), the
 * rest are return addresses. A stack deeper than max (a runaway recursion)
 * keeps its innermost max - outermost frames followed by its outermost
 * `outermost` frames; *total is the full depth (walked up to a million
 * frames). Allocation-free; meant for signal handlers on an alternate
 * stack. */
size_t stack_capture_context(void *ucontext, uintptr_t *pcs, size_t max,
                             size_t outermost, size_t *total);

/* One frame, as far as it is known: "??", "" and 0 when not. */
struct symbol {
    char function[128];
    char file[256]; /* relative to the working directory when under it */
    int line;
};

/* Copies path into to, made relative to the working directory when it lies
 * under it, as reports name files. */
void stack_relative_path(char *to, size_t size, const char *path);

/* Names the code at pc: a return address (looked up at pc-1) unless exact, as
 * for a faulting pc. Returns false, with out set to unknowns, when pc lies in
 * no module. May allocate; meant for report paths only. */
bool symbolize(uintptr_t pc, bool exact, struct symbol *out);

/* For a crash report, with every other thread stopped for good: if one of
 * them (or this thread, crashed inside libdw) holds the symbolizer, start a
 * fresh one rather than wait for it. */
void symbolizer_take_over(void);

/* True for frames of weft itself: a file under the support/, runtime/,
 * detector/ or harness/ directory of WEFT_SOURCE_DIR, a weft_* function of
 * unknown file, or a function hidden with stack_hide_function. */
bool symbol_is_internal(const struct symbol *s);

enum { STACK_HIDDEN_MAX = 64 };

/* Treats the frames of the function named function as weft's own from now
 * on (a test framework's wrapper: reports name its caller); the name is
 * copied. False when STACK_HIDDEN_MAX names are hidden already, or the
 * name is empty or too long. Not for concurrent use with itself. */
bool stack_hide_function(const char *function);

/* pc, a return address into the caller of the calling function, or, when
 * pc lies in a hidden function, the first return address further out that
 * does not: where a wrapper around weft_go was called, for a one-pc
 * "created at". Cheap unless pc is hidden (then an unwind, no symbols). */
uintptr_t stack_unhidden_caller(uintptr_t pc);

/* Prints the user's part of a stack, one "  function() file:line" a frame:
 * weft's own frames before it and everything from the next weft frame,
 * weft_run (below it is the code that started a run, not the main
 * goroutine) or libc's start-up frames on are left out. Prints nothing when
 * no frame is the user's, and says whether it printed one. first_exact:
 * pcs[0] is a faulting pc, not a return address. */
bool stack_print(FILE *out, const uintptr_t *pcs, size_t count,
                 bool first_exact);

/* The innermost user frame, for one-line locations such as "bank.c:41";
 * false if the stack holds none. */
bool stack_first_user_frame(const uintptr_t *pcs, size_t count,
                            struct symbol *out);

#endif
