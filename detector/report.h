/*
 * Race reports, in Go's shape (DESIGN.md "Race report"): both accesses with
 * their stacks, where each goroutine was created, the disassembled access,
 * and the schedule's seed and step with a replay command.
 */
#ifndef WEFT_DETECTOR_REPORT_H
#define WEFT_DETECTOR_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A race between the current access (cell, with its stack entry, see
 * access.h) and an earlier one (old, old_entry) on the word holding addr.
 * Reports it unless the pair of sites was reported before or a suppression
 * matches. */
void report_race(uintptr_t addr, uint64_t cell, uint32_t entry, uint64_t old,
                 uint32_t old_entry);

struct report_options {
    bool halt_on_error;
    int exitcode;
    FILE *log;
};
extern struct report_options report_options;

struct detector_schedule_source;
/* Reads the report options of WEFT_OPTIONS (once, at start); the schedule
 * line asks schedule for the seed and step. */
void report_configure(const struct detector_schedule_source *schedule);

/* Writes the "Schedule: seed ..., step ... — replay: ..." line, when the
 * run is the harness's or seeded (report_config.c). */
void report_print_schedule(FILE *out);

/* suppress.c: loads the suppressions file; whether a stack matches one. */
void suppressions_load(const char *path);
bool suppressions_match(const uintptr_t *pcs, size_t count);

#endif
