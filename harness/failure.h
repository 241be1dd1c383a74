/*
 * Reporting a failing schedule, once (failure.c): run it again with
 * creation stacks, print its output, verdict and replay command, then
 * confirm a potential deadlock or minimise any other failure.
 */
#ifndef WEFT_HARNESS_FAILURE_H
#define WEFT_HARNESS_FAILURE_H

#include <stdio.h>

#include "run.h"
#include "search.h"
#include "weft.h"

/* Reports what a search found (its "found in schedule N" header first);
 * fills verdict's kind, seed, strategy and schedule. A confirmed potential
 * deadlock turns verdict into the deadlock's schedule, of kind
 * WEFT_CONFIRMED_DEADLOCK. */
void failure_report(const struct weft_explore_options *o,
                    struct found_failure *found, struct weft_verdict *verdict);

/* Runs request as a report shows it (creation stacks), prints it as
 * failure_report does (without confirming or minimising), and fills
 * verdict's kind, seed, strategy and schedule: weft_replay. */
void failure_show(FILE *out, const struct weft_explore_options *o,
                  const struct schedule_request *request,
                  struct weft_verdict *verdict);

/* failure_show's verdict kind alone: `replay`. */
enum weft_verdict_kind failure_replay(FILE *out,
                                      const struct weft_explore_options *o,
                                      const struct schedule_request *request);

#endif
