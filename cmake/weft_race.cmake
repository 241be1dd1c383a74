# Race detection for weft programs: sources compiled with -fsanitize=thread
# call the __tsan_* entry points that libweft implements, so targets link
# against weft as usual, without -fsanitize=thread (which would pull in
# libtsan).
#
#   weft_race(my_target)      instruments one target's C and C++ sources
#   -DWEFT_RACE=ON            instruments every target defined after this
#                             file is included

# Adds the compile flags (not the link flag) to target's sources; -g so
# reports show file:line.
function(weft_race target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=thread> $<$<COMPILE_LANGUAGE:C,CXX>:-g>)
endfunction()

option(WEFT_RACE "Instrument every target for weft's race detector" OFF)
if(WEFT_RACE)
  add_compile_options($<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=thread>
                      $<$<COMPILE_LANGUAGE:C,CXX>:-g>)
endif()
