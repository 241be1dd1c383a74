/*
 * The race detector, as the rest of weft sees it (tests, the harness).
 *
 * The detector switches itself on when an object compiled with
 * -fsanitize=thread calls __tsan_init (from its constructor); a program
 * with no instrumented object never pays for it. Races are reported on
 * stderr (or WEFT_OPTIONS log_path) in Go's shape, and change the exit
 * status (WEFT_OPTIONS exitcode, 66 by default).
 */
#ifndef WEFT_DETECTOR_DETECTOR_H
#define WEFT_DETECTOR_DETECTOR_H

#include <stdbool.h>
#include <stdint.h>

/* What a race report's "Schedule:" line needs of whoever schedules (the
 * runtime, reached through the adapter, runtime_link.c): the seed of a run
 * seeded from WEFT_OPTIONS (false when it is not seeded), and the number
 * of the scheduling step now. */
struct detector_schedule_source {
    bool (*env_seed)(uint64_t *seed);
    uint64_t (*step)(void);
};

/* Starts the detector, once (the first __tsan_init). */
void detector_start(const struct detector_schedule_source *schedule);

/* True once an instrumented object has started the detector. */
bool detector_enabled(void);

/* Races reported so far (suppressed ones and repeats of a reported pair of
 * sites are not counted). */
uint64_t detector_races_found(void);

/* Forgets the races found and the pairs of sites already reported, so the
 * next schedule's races are counted and reported afresh (tests run many
 * schedules in one process). */
void detector_forget_races(void);

/* The command a report's "Schedule:" line offers for replaying a seeded
 * run (the harness sets "weft replay ..."); NULL restores the default,
 * "WEFT_OPTIONS=seed=0x... <argv[0]>". The string is copied. */
void detector_set_replay_hint(const char *command);

/* Under the harness: the schedule's seed and the command that replays it,
 * for the "Schedule:" line (instead of WEFT_OPTIONS's seed). */
void detector_set_schedule(uint64_t seed, const char *replay_command);

/* In a schedule's process: from now on malloc and friends serve blocks at
 * addresses that depend only on the allocations made since (heap.h), so a
 * schedule names the same heap addresses under `weft test` and `weft
 * replay`. Works with or without the detector; false if the heap's fixed
 * address range is taken (glibc's heap then stays). */
bool detector_start_schedule_heap(void);

/* Makes every instrumented access a scheduling point (the harness's
 * --preempt-on-access). */
void detector_set_preempt_on_access(bool on);

#endif
