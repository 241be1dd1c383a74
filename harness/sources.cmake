# The harness's sources, included by the top-level CMakeLists.txt.
set(WEFT_HARNESS_SOURCES
  harness/assert.c harness/confirm.c harness/dfs.c harness/explore.c harness/minimise.c harness/registry.c
  harness/run.c harness/runner.c harness/schedule.c harness/strategies.c
  harness/trace_export.c harness/verdict.c)
