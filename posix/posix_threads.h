/*
 * The posix layer as its user, the harness, sees it: switching a
 * schedule's process over to goroutines for the program's threads.
 */
#ifndef WEFT_POSIX_THREADS_H
#define WEFT_POSIX_THREADS_H

#include <stdbool.h>
#include <stddef.h>

/* What the program's exit(status) does under weft, called on the thread
 * that calls it before the process exits with status; it may end the
 * schedule otherwise and not return. */
typedef void posix_exit_handler(int status);

/* From here on, in this process and on this thread (which must run the
 * goroutines, one at a time), the program's pthread calls are weft's, and
 * its exit() calls on_exit first. */
void posix_threads_start(posix_exit_handler *on_exit);
/* weft's own thread-local variable at address (size bytes) on this
 * thread: where it lies among the program's (libweft linked statically),
 * it stays as it is when threads' copies of theirs are swapped. The posix
 * layer names its own and the runtime's; the harness, the detector's,
 * after posix_threads_start. */
void posix_keep_thread_local(const void *address, size_t size);

/* Whether a call made here now would be weft's. */
bool posix_threads_active(void);

#endif
