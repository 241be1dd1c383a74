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
#include <stddef.h>
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

/* For a process that goes back to a snapshot of itself after each
 * schedule (the harness's schedule server): the shadow needs no copy,
 * since each run starts by emptying it. detector_shadow_mark hands each
 * region the shadow holds now to own() (to leave out of the snapshot);
 * detector_shadow_rewind, in the middle of going back (before the
 * detector's own memory is restored), forgets the chunks made since the
 * mark, whose mappings are gone. */
void detector_shadow_mark(void (*own)(void *start, size_t size));
void detector_shadow_rewind(void);

/* What the harness sets for a schedule's run, in one call. */
struct detector_run_settings {
    /* The schedule's seed, for a report's "Schedule:" line (instead of
     * WEFT_OPTIONS's seed). */
    uint64_t seed;
    /* The command that line offers for replaying the schedule ("weft
     * replay ..."; copied); NULL: "WEFT_OPTIONS=seed=0x... <argv[0]>". */
    const char *replay_command;
    /* Every instrumented access is a scheduling point too (the harness's
     * --preempt-on-access). */
    bool preempt_on_access;
};

/* Applies the harness's settings from now on (report.c). */
void detector_apply_run_settings(const struct detector_run_settings *settings);

/* In a schedule's process: from now on malloc and friends serve blocks at
 * addresses that depend only on the allocations made since (heap.h), so a
 * schedule names the same heap addresses under `weft test` and `weft
 * replay`. Works with or without the detector; false if the heap's fixed
 * address range is taken (glibc's heap then stays). */
bool detector_start_schedule_heap(void);

/* Calls keep with each of the detector's own thread-local variables on
 * this thread (where it lies, its size): what a pthread program's
 * thread-locals, swapped at each switch (posix/tls.c), must leave alone. */
void detector_thread_locals(void (*keep)(const void *address, size_t size));

#endif
