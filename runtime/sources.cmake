# The runtime's sources, included by the top-level CMakeLists.txt.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(WEFT_SWITCH runtime/switch_x86_64.S)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(WEFT_SWITCH runtime/switch_aarch64.S)
else()
  message(FATAL_ERROR "weft supports x86-64 and aarch64, not ${CMAKE_SYSTEM_PROCESSOR}")
endif()

set(WEFT_RUNTIME_SOURCES
  runtime/blocking.c runtime/chan.c runtime/choice.c runtime/cond.c runtime/context.c
  runtime/crash.c runtime/env.c runtime/hang.c runtime/indexed_queue.c runtime/leak.c
  runtime/lock.c runtime/lock_helgrind.c runtime/locker.c runtime/lockorder.c
  runtime/mutex.c runtime/mutex_parallel.c runtime/net.c runtime/netpoll.c runtime/netpoll_sched.c
  runtime/parallel.c runtime/once.c runtime/panic.c runtime/posix_hooks.c
  runtime/run_settings.c
  runtime/rwmutex.c
  runtime/sched.c runtime/select.c runtime/stack_pool.c runtime/strategy.c
  runtime/switch.c runtime/time.c runtime/trace.c runtime/waitgroup.c
  runtime/waitq.c
  ${WEFT_SWITCH})
