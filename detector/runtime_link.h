/*
 * The adapter's side that joins the layers: what the ABI entry points
 * (tsan_abi.c) need of the runtime, and starting the detector with the
 * runtime's events wired in. Only tsan_abi.c and runtime_link.c include
 * this (they compile with the runtime's headers as well as the
 * detector's).
 */
#ifndef WEFT_DETECTOR_RUNTIME_LINK_H
#define WEFT_DETECTOR_RUNTIME_LINK_H

#include "instrumentation.h"

/* Starts the detector (once) and installs it as the runtime's listener for
 * sync events; the race reports' "Schedule:" line asks the runtime for the
 * seed and the step. */
void detector_start_with_runtime(void);

#endif
