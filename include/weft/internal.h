/*
 * weft — internals the public structs embed, included by weft.h. Nothing
 * here is for programs to use: the sync objects (weft_mutex, weft_cond,
 * ...) hold these so that they can be declared, and zeroed, by value.
 * Their layout may change between releases.
 */
#ifndef WEFT_INTERNAL_H
#define WEFT_INTERNAL_H

/* An intrusive FIFO of parked goroutines (the runtime's waitq.c): the
 * waiters of one sync object. Zero is empty. */
struct weft_waitq {
    void *head, *tail;
};

#endif /* WEFT_INTERNAL_H */
