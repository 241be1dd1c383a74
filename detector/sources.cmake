# The detector's sources, included by the top-level CMakeLists.txt.
set(WEFT_DETECTOR_SOURCES detector/stack.c)
