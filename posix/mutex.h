/* A pthread mutex's weft state (mutex.c), for the cond and C11 calls. */
#ifndef WEFT_POSIX_MUTEX_H
#define WEFT_POSIX_MUTEX_H

#include <pthread.h>

#include "posix.h"

struct posix_mutex {
    weft_mutex lock;
    int kind;           /* PTHREAD_MUTEX_NORMAL, _RECURSIVE, _ERRORCHECK */
    uint64_t owner;     /* the holder's weft_id, 0 when unlocked */
    unsigned depth;     /* a recursive mutex's locks by its owner */
};

struct posix_mutex *posix_mutex(pthread_mutex_t *mutex, const char *call);

#endif
