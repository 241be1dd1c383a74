/* The explorer's pieces shared by explore.c, dfs.c and the test runner. */
#ifndef WEFT_HARNESS_EXPLORE_H
#define WEFT_HARNESS_EXPLORE_H

#include "harness.h"

/* Fills the zero fields of o with defaults. */
void explore_defaults(struct weft_explore_options *o);

/* A request to run one schedule of body as the options say (limits, the
 * replay command's names, --preempt-on-access); callers add forced
 * decisions or a sleep set. */
struct schedule_request explore_request(const struct weft_explore_options *o,
                                        void (*body)(void),
                                        const struct strategy_spec *spec,
                                        uint64_t seed,
                                        struct decision_log *log);

/* The seed of schedule index under base: a pure function of both. */
uint64_t explore_seed(uint64_t base, uint64_t index);

/* The flags a replay command repeats so the replay makes the same
 * scheduling points and checks: "", " --preempt-on-access", ... */
const char *replay_flags(bool preempt_on_access, bool lock_order);

/* Prints a failing schedule: its output, then the verdict, the strategy
 * and seed, the schedule string and the replay command (naming o's test
 * and program, with o's flags); fills verdict. */
void explore_print_failure(FILE *out, const struct weft_explore_options *o,
                           const struct schedule_result *result,
                           const struct strategy_spec *spec, uint64_t seed,
                           const struct decision_log *log,
                           struct weft_verdict *verdict);

/* Systematic exploration (dfs.c). */
struct weft_verdict explore_dfs(void (*fn)(void),
                                const struct weft_explore_options *o,
                                const struct strategy_spec *spec,
                                struct decision_log *log);

#endif
