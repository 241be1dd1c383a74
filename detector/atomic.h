/*
 * C11 atomics (DESIGN.md rule 11): the happens-before effect of an atomic
 * load, store or read-modify-write with its memory order, and fences.
 */
#ifndef WEFT_DETECTOR_ATOMIC_H
#define WEFT_DETECTOR_ATOMIC_H

#include <stdint.h>

/* memory orders as the compilers pass them (__ATOMIC_RELAXED ...) */
enum { MO_RELAXED, MO_CONSUME, MO_ACQUIRE, MO_RELEASE, MO_ACQ_REL, MO_SEQ_CST };

/* The caller (the ABI adapter) makes a scheduling point, performs the
 * operation, then calls *_done. */
void atomic_load_done(uintptr_t addr, unsigned size, int order, uintptr_t pc);
void atomic_store_done(uintptr_t addr, unsigned size, int order, uintptr_t pc);
void atomic_rmw_done(uintptr_t addr, unsigned size, int order, uintptr_t pc);
void atomic_fence(int order);

#endif
