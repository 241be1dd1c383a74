/* Exporting a located trace (trace_export.c). */
#ifndef WEFT_HARNESS_TRACE_EXPORT_H
#define WEFT_HARNESS_TRACE_EXPORT_H

#include <stdbool.h>

/* Writes a located trace (lines "STEP gN op [kind#id] [@ file:line]") as
 * Chrome trace-event JSON: a track per goroutine, a slice per operation,
 * an arrow from each operation on an object to the next one on it by
 * another goroutine. Returns false if the file cannot be written. */
bool trace_export_chrome(const char *path, const char *trace);

#endif
