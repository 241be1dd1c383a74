/*
 * surw's profile: each goroutine's scheduling points in one run
 * (profile.c).
 */
#ifndef WEFT_HARNESS_PROFILE_H
#define WEFT_HARNESS_PROFILE_H

#include "run.h"

/* Where spec is surw's and its profile is not filled yet: runs body once
 * under random with seed 0 (into log, as o says) and fills it. */
void profile_fill(struct strategy_spec *spec,
                  const struct weft_explore_options *o, void (*body)(void),
                  struct decision_log *log);

#endif
