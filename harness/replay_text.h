/*
 * The text that names one schedule for weft_replay (replay_text.c), as a
 * report's "replay:" line prints it for a program with its own main:
 * "random seed 0x5eed1234", "pct:3:40 seed 0x8f3e", "dfs:2 v1:0*5.1.0",
 * "confirm v1:...", each maybe followed by "preempt-on-access" and
 * "no-lock-order". Seeded unless the strategy has no seed of its own (dfs,
 * confirm): then by schedule string.
 */
#ifndef WEFT_HARNESS_REPLAY_TEXT_H
#define WEFT_HARNESS_REPLAY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decision_log.h"
#include "strategies.h"

/* What a replay text says. */
struct replay_text {
    struct strategy_spec spec;
    bool by_schedule; /* the schedule string below, not the seed */
    uint64_t seed;
    const char *schedule; /* in the parsed text's own copy (see below) */
    bool preempt_on_access;
    bool lock_order;
};

/* Whether spec's schedules are named by their decisions, not a seed. */
bool replay_text_by_schedule(const struct strategy_spec *spec);

/* How a schedule is named in a replay text: which strategy, and its seed
 * or (by_schedule) its schedule string (or a placeholder where that is too
 * long to print, or printed elsewhere); the options it ran under. */
struct replay_name {
    const struct strategy_spec *spec;
    bool by_schedule;
    uint64_t seed;
    const char *schedule;
    bool preempt_on_access;
    bool lock_order;
};

/* The text for name, into out. */
void replay_text_format(char *out, size_t size, const struct replay_name *name);

/* Parses text, split into words in place in copy (size bytes, which then
 * holds the schedule string). Returns NULL, or the reason it is not a
 * replay text. */
const char *replay_text_parse(const char *text, char *copy, size_t size,
                              struct replay_text *out);

#endif
