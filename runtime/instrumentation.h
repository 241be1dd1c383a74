/*
 * What the race detector's ABI adapter (detector/tsan_abi.c,
 * detector/runtime_link.c) asks of the runtime beyond the sync events
 * (sync_events.h): scheduling points for what instrumented code does. The
 * detector itself never calls the runtime.
 */
#ifndef WEFT_RUNTIME_INSTRUMENTATION_H
#define WEFT_RUNTIME_INSTRUMENTATION_H

/* A scheduling point for an atomic operation (WEFT_OP_ATOMIC) of the
 * current goroutine, made before it acts; it may run other goroutines
 * (announced through goroutine_switch) before it returns. Nothing before
 * the runtime is initialised. */
void runtime_atomic_point(void);

/* The same for an instrumented memory access (WEFT_OP_ACCESS), when the
 * harness asked for them (--preempt-on-access). */
void runtime_access_point(void);

/* The same at an instrumented function's entry (WEFT_OP_CALL), when
 * WEFT_OPTIONS asked for them (preempt_calls=1), so that a loop with no
 * weft call can be preempted: under a preemptive strategy the strategy
 * may switch there; under FIFO, which never preempts, it is a yield. */
void runtime_call_point(void);

#endif
