# The posix layer's sources, included by the top-level CMakeLists.txt: a
# pthread program's calls, interposed and mapped onto goroutines.
set(WEFT_POSIX_SOURCES
  posix/active.c posix/barrier.c posix/c11_threads.c posix/cond.c posix/keys.c posix/mutex.c
  posix/object.c posix/once.c posix/refused.c posix/rwlock.c
  posix/semaphore.c posix/spin.c posix/thread.c posix/time.c posix/tls.c)
# they define the real calls' names, which own_libc.h renames elsewhere
set_source_files_properties(${WEFT_POSIX_SOURCES} PROPERTIES
  COMPILE_DEFINITIONS WEFT_DEFINES_POSIX)
