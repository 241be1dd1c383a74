# The support layer's sources, included by the top-level CMakeLists.txt:
# stacks and symbols, disassembly, WEFT_OPTIONS's grammar.
set(WEFT_SUPPORT_SOURCES
  support/disasm.c support/options.c support/stack.c)
# Disassembly of access sites in race reports and of faulting instructions.
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone)
