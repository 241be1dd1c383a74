# The harness's sources, included by the top-level CMakeLists.txt.
set(WEFT_HARNESS_SOURCES)
