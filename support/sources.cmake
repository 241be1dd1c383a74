# The support layer's sources, included by the top-level CMakeLists.txt:
# stacks and symbols, disassembly, WEFT_OPTIONS's grammar, the hash table,
# weft's own libc and the schedule heap.
set(WEFT_SUPPORT_SOURCES
  support/disasm.c support/goroutine_names.c support/hash_table.c
  support/heap.c support/options.c support/own_libc.c support/own_posix.c
  support/signal_calls.c support/stack.c)
# own_libc.c defines weft's unchecked memcpy, malloc, ... (own_libc.h): its
# loops must stay loops, and it sees the entries by their own names.
set_source_files_properties(support/own_libc.c PROPERTIES
  COMPILE_OPTIONS "-fno-builtin;$<$<C_COMPILER_ID:GNU>:-fno-tree-loop-distribute-patterns>"
  COMPILE_DEFINITIONS WEFT_DEFINES_LIBC)
# Disassembly of access sites in race reports and of faulting instructions.
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone)
# own_posix.c defines weft's entries of the POSIX routines the posix layer
# interposes, so it sees them by their own names.
set_source_files_properties(support/own_posix.c PROPERTIES
  COMPILE_DEFINITIONS WEFT_DEFINES_POSIX)
