/*
 * Vector clocks: for every goroutine id, the latest epoch of it that is
 * known to happen before. Entries past size are 0; ids are dense (runtime
 * goroutine ids), so a clock is a plain array grown on demand.
 */
#ifndef WEFT_DETECTOR_VCLOCK_H
#define WEFT_DETECTOR_VCLOCK_H

#include <stdint.h>

struct vclock {
    uint32_t *time;
    uint32_t size, capacity;
};

static inline uint32_t vclock_get(const struct vclock *c, uint32_t tid)
{
    return tid < c->size ? c->time[tid] : 0;
}

void vclock_set(struct vclock *c, uint32_t tid, uint32_t time);
/* to = max(to, from), entry by entry. */
void vclock_join(struct vclock *to, const struct vclock *from);
/* a = b = max(a, b), entry by entry: two joins, one each way, in one
 * pass; a and b are two clocks, not one. */
void vclock_join_both(struct vclock *a, struct vclock *b);
/* to = from. */
void vclock_copy(struct vclock *to, const struct vclock *from);
void vclock_clear(struct vclock *c);
void vclock_free(struct vclock *c);

#endif
