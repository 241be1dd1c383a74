# The harness's own targets: weft_main (a test binary's main) and the
# `weft` command.
add_library(weft_main STATIC harness/main.c)
target_link_libraries(weft_main PUBLIC weft)
add_library(weft::weft_main ALIAS weft_main)

add_executable(weft_command harness/weft_command.c)
set_target_properties(weft_command PROPERTIES OUTPUT_NAME weft
  RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
install(TARGETS weft_main EXPORT weftTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS weft_command RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
