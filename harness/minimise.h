/* Minimising a failing schedule and explaining it (minimise.c). */
#ifndef WEFT_HARNESS_MINIMISE_H
#define WEFT_HARNESS_MINIMISE_H

#include <stdio.h>

#include "decision_log.h"
#include "run.h"

/* Shrinks the failing schedule in log (run from request) to the fewest
 * preemptions that still give the same verdict, prints it as a list of
 * steps with source locations, and leaves the minimised run's decisions
 * in log. */
void minimise_and_explain(FILE *out, const struct schedule_request *request,
                          enum weft_verdict_kind kind, struct decision_log *log,
                          const char *trace_path);

#endif
