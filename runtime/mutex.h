/* Mutex internals shared by mutex.c and mutex_parallel.c. */
#ifndef WEFT_RUNTIME_MUTEX_H
#define WEFT_RUNTIME_MUTEX_H

#include "runtime.h"

/* Parallel mode's Lock, TryLock and Unlock (mutex_parallel.c). */
void mutex_lock_parallel(weft_mutex *m);
bool mutex_trylock_parallel(weft_mutex *m);
void mutex_unlock_parallel(weft_mutex *m);

#endif
