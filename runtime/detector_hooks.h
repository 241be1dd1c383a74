/*
 * The seam's other direction: the few things the race detector may ask of
 * the runtime. The detector never schedules by itself; an atomic operation
 * is a scheduling point like any channel operation, so it asks for one.
 */
#ifndef WEFT_RUNTIME_DETECTOR_HOOKS_H
#define WEFT_RUNTIME_DETECTOR_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

/* A scheduling point for an atomic operation (WEFT_OP_ATOMIC) of the
 * current goroutine, made before it acts; it may run other goroutines
 * (announced through goroutine_switch) before it returns. Nothing before
 * the runtime is initialised. */
void runtime_atomic_point(void);

/* The same for an instrumented memory access (WEFT_OP_ACCESS), when the
 * harness asked for them (--preempt-on-access). */
void runtime_access_point(void);

/* The value of another layer's WEFT_OPTIONS key (halt_on_error, exitcode,
 * log_path, history_size, suppressions, ...), or NULL when not given. The
 * runtime parses WEFT_OPTIONS once, for every layer. */
const char *weft_env_option(const char *key);

/* The seed of a WEFT_OPTIONS-seeded run; false when the run is not seeded
 * from the environment. */
bool weft_env_seed(uint64_t *seed);

#endif
