/* Channel internals shared by chan.c, select.c and the timers. */
#ifndef WEFT_RUNTIME_CHAN_H
#define WEFT_RUNTIME_CHAN_H

#include "runtime.h"

struct weft_chan {
    size_t elem_size;
    size_t capacity;
    size_t count;      /* buffered values */
    size_t recv_index; /* next slot to receive from */
    size_t send_index; /* next slot to send into */
    bool closed;
    bool owns_timer; /* weft_after: freeing the channel frees its timer */
    uint32_t id;
    uint32_t lock; /* parallel mode: everything here but the constants */
    struct weft_waitq recvq, sendq;
    struct timer *timer; /* a timer that sends on this channel */
    unsigned char buffer[];
};

enum chan_recv_result { CHAN_EMPTY, CHAN_GOT, CHAN_CLOSED };

bool chan_send_ready(weft_chan *c);
bool chan_recv_ready(weft_chan *c);
bool chan_try_send(weft_chan *c, const void *value);
enum chan_recv_result chan_try_recv(weft_chan *c, void *out);
/* Detector events around a parked send or receive (see chan.c). */
void chan_before_park(weft_chan *c);
void chan_after_wake(const struct waiter *w);
/* After a send or receive completed on c: the lock-order graph's view of
 * 1-slot channels used as locks (chan.c). */
void chan_lock_order(weft_chan *c, enum weft_case_dir dir, bool got,
                     bool blocking);
/* The same after a parked operation, from its waiter alone: the channel
 * may be freed by the time a woken goroutine runs. */
void chan_lock_order_woken(weft_chan *c, const struct waiter *w,
                           enum weft_case_dir dir);
/* weft_chan_free's work, for the runtime's own channels (a context's). */
void chan_destroy(weft_chan *c);
/* Close without a scheduling point, for the runtime's own use (context
 * cancellation from a timer). */
void chan_close(weft_chan *c);

#endif
