/* Schedule strings (schedule.c): a schedule's decisions as text. */
#ifndef WEFT_HARNESS_SCHEDULE_H
#define WEFT_HARNESS_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "decision_log.h"

/* "v1:" then dot-separated decisions, a run of n equal ones as "i*n":
 * v1:0*12.2.0*5.1. Returns false if it does not fit in size. */
bool schedule_encode(const struct decision *decisions, size_t count, char *out,
                     size_t size);
/* Parses a schedule string into indices (counts are left 0). Returns the
 * number of decisions, or -1 with *error set to the reason. */
long schedule_decode(const char *text, struct decision *out, size_t max,
                     const char **error);

#endif
