# The harness's sources, included by the top-level CMakeLists.txt.
set(WEFT_HARNESS_SOURCES
  harness/assert.c harness/children.c harness/confirm.c harness/decision_log.c harness/dfs.c
  harness/explore.c harness/failure.c harness/hang_report.c harness/minimise.c
  harness/portfolio.c harness/profile.c harness/pthread_program.c
  harness/registry.c harness/replay.c harness/replay_text.c harness/request.c
  harness/run.c harness/runner.c harness/schedule_server.c harness/snapshot.c
  harness/schedule.c harness/schedule_strategy.c harness/strategy_confirm.c
  harness/strategy_dfs.c harness/strategy_pct.c harness/strategy_pos.c
  harness/strategy_random.c harness/strategy_surw.c
  harness/strategy_spec.c harness/trace_export.c harness/transitions.c
  harness/verdict.c)
