/*
 * The harness's internal interfaces, one header per concept, and the map
 * of which file calls which. Calls go one way only (a DAG), top down; a
 * file calls only files listed below it:
 *
 *   pthread_program.c  an ordinary program's main as a test: runner.c
 *   runner.c     the test binary's commands: explore.c, failure.c (replay),
 *                profile.c
 *   explore.c    weft_explore: a search, then failure.c
 *   replay.c     weft_replay: a replay text, then failure.c, profile.c
 *   failure.c    reports a failure once: confirm.c, minimise.c, run.c
 *   minimise.c   shrinks and explains a failure: dfs.c, run.c,
 *                trace_export.c
 *   portfolio.c, dfs.c, confirm.c
 *                the searches: run.c (portfolio.c: profile.c); return
 *                what they found, print nothing of it
 *   profile.c    surw's profile, from one run: run.c
 *   run.c        one schedule in a child: schedule_strategy.c, verdict.c
 *   schedule_strategy.c
 *                forced decisions and the log: strategy_random.c,
 *                strategy_pct.c, strategy_dfs.c, strategy_confirm.c,
 *                strategy_pos.c, strategy_surw.c (through their
 *                weft_strategy vtables)
 *   leaves       request.c, transitions.c, decision_log.c, schedule.c,
 *                strategy_spec.c, verdict.c, trace_export.c, registry.c,
 *                assert.c, replay_text.c, children.c (the processes run.c
 *                and portfolio.c start) (any file above may call them)
 *
 * Confirming and minimising call searches, never failure.c, so nothing is
 * entered twice.
 */
#ifndef WEFT_HARNESS_H
#define WEFT_HARNESS_H

#include "decision_log.h" /* decisions and the shared log */
#include "failure.h"      /* reporting a failing schedule */
#include "minimise.h"     /* minimising and explaining one */
#include "profile.h"      /* surw's profile */
#include "registry.h"     /* WEFT_TEST's registry */
#include "replay_text.h"  /* weft_replay's schedule texts */
#include "run.h"          /* requests, running one schedule, verdicts */
#include "schedule.h"     /* schedule strings */
#include "search.h"       /* portfolio, dfs, confirm */
#include "strategies.h"   /* specs, the strategies, the schedule strategy */
#include "trace_export.h" /* Chrome trace export */

#endif
