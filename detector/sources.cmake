# The detector's sources, included by the top-level CMakeLists.txt.
set(WEFT_DETECTOR_SOURCES
  detector/vclock.c detector/shadow.c detector/depot.c detector/access.c
  detector/sync.c detector/goroutines.c detector/events.c detector/atomic.c
  detector/report.c detector/report_config.c detector/suppress.c
  detector/detector.c detector/interceptors.c)
# The adapter between the detector and the runtime: the ABI entry points
# and the wiring of the runtime's events. The only detector files that see
# the runtime's headers.
set(WEFT_ADAPTER_SOURCES detector/tsan_abi.c detector/runtime_link.c)
# interceptors.c defines memcpy, strlen, ... for the program: its loops must
# stay loops, and it calls weft's own entries by name (own_libc.h).
set_source_files_properties(detector/interceptors.c PROPERTIES
  COMPILE_OPTIONS "-fno-builtin;$<$<C_COMPILER_ID:GNU>:-fno-tree-loop-distribute-patterns>"
  COMPILE_DEFINITIONS WEFT_DEFINES_LIBC)
