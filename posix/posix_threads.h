/*
 * The posix layer as its user, the harness, sees it: switching a
 * schedule's process over to goroutines for the program's threads.
 */
#ifndef WEFT_POSIX_THREADS_H
#define WEFT_POSIX_THREADS_H

#include <stdbool.h>

/* From here on, in this process and on this thread (which must run the
 * goroutines, one at a time), the program's pthread calls are weft's. */
void posix_threads_start(void);
/* Whether a call made here now would be weft's. */
bool posix_threads_active(void);

#endif
