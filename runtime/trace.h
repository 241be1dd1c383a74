/* Trace lines of a run, written to rt.trace (trace.c). */
#ifndef WEFT_RUNTIME_TRACE_H
#define WEFT_RUNTIME_TRACE_H

#include "runtime.h"

/* The scheduling point g makes before op on object (its id, or 0). */
void trace_point(struct goroutine *g, enum weft_op op, uint64_t object);
/* In a located trace, what became of g's operation at its last point:
 * "preempted" before it ran, "resumes" (runs now), "blocks". */
void trace_preempted(struct goroutine *g, const char *what);
/* The strategy's decision: option chosen of choice. */
void trace_choice(const struct weft_choice *choice, size_t chosen);

#endif
