# The detector's sources, included by the top-level CMakeLists.txt.
set(WEFT_DETECTOR_SOURCES
  detector/stack.c detector/vclock.c detector/shadow.c detector/depot.c
  detector/access.c detector/sync.c detector/atomic.c detector/report.c
  detector/disasm.c detector/suppress.c detector/detector.c
  detector/tsan_abi.c detector/interceptors.c detector/heap.c)
# Disassembly of access sites in race reports.
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone)
# interceptors.c defines memcpy, strlen, ...: its loops must stay loops;
# and both the interceptors and weft's own entries (own_libc.h).
set_source_files_properties(detector/interceptors.c PROPERTIES
  COMPILE_OPTIONS "-fno-builtin;-fno-tree-loop-distribute-patterns"
  COMPILE_DEFINITIONS WEFT_INTERCEPTORS_C)
