# weft_layer(NAME SOURCES ALLOWED): the object library weft_NAME, compiled
# with NAME's folder (the adapter's: detector/) and the ALLOWED folders as
# its only include directories. Which layer may include which is the rule
# of docs/architecture.md; tests/layers checks that no source steps past it
# with a relative path.
function(weft_layer name sources allowed)
  set(own ${name})
  if(name STREQUAL "adapter")
    set(own detector)
  endif()
  set(dirs ${PROJECT_SOURCE_DIR}/${own})
  foreach(dir ${allowed})
    list(APPEND dirs ${PROJECT_SOURCE_DIR}/${dir})
  endforeach()
  add_library(weft_${name} OBJECT ${sources})
  target_include_directories(weft_${name} PRIVATE ${dirs})
  target_compile_definitions(weft_${name} PRIVATE
    WEFT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # weft's own calls of memcpy, malloc, ... skip the detector's
  # interceptors (support/own_libc.h); debug information whatever the build
  # type: a stack tells weft's own frames from the program's by their source
  # files (support/stack.c), so without it a Release build's panics listed
  # vpanic, chan_close, ... (it changes no code)
  target_compile_options(weft_${name} PRIVATE -g
    $<$<COMPILE_LANGUAGE:C>:-include${PROJECT_SOURCE_DIR}/support/own_libc.h>)
  # the system's headers of the libraries weft uses, for every layer
  target_link_libraries(weft_${name} PRIVATE PkgConfig::LIBUNWIND
    PkgConfig::LIBDW PkgConfig::CAPSTONE)
endfunction()
