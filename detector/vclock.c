/*
 * Vector clocks (see vclock.h). Invariant: time[0..size) is valid, the
 * rest of the capacity is garbage; an entry at or past size reads as 0.
 */
#include "vclock.h"

#include "state.h"

static void vclock_grow(struct vclock *c, uint32_t size)
{
    if (size > c->capacity) {
        uint32_t capacity = c->capacity ? c->capacity : 4;
        while (capacity < size)
            capacity *= 2;
        c->time = det_realloc(c->time, capacity * sizeof *c->time);
        c->capacity = capacity;
    }
    for (uint32_t i = c->size; i < size; i++)
        c->time[i] = 0;
    if (size > c->size)
        c->size = size;
}

void vclock_set(struct vclock *c, uint32_t tid, uint32_t time)
{
    vclock_grow(c, tid + 1);
    c->time[tid] = time;
}

static __attribute__((noinline)) void
vclock_grow_join(struct vclock *to, const struct vclock *from)
{
    vclock_grow(to, from->size);
    vclock_join(to, from);
}

void vclock_join(struct vclock *to, const struct vclock *from)
{
    uint32_t size = from->size;
    if (size > to->size) {
        vclock_grow_join(to, from); /* a tail call: join needs no frame */
        return;
    }
    uint32_t *time = to->time;
    const uint32_t *other = from->time;
    for (uint32_t i = 0; i < size; i++)
        time[i] = other[i] > time[i] ? other[i] : time[i];
}

static __attribute__((noinline)) void vclock_grow_join_both(struct vclock *a,
                                                            struct vclock *b)
{
    uint32_t size = a->size > b->size ? a->size : b->size;
    vclock_grow(a, size);
    vclock_grow(b, size);
    vclock_join_both(a, b);
}

void vclock_join_both(struct vclock *a, struct vclock *b)
{
    uint32_t size = a->size;
    if (size != b->size) {
        vclock_grow_join_both(a, b); /* a tail call: no frame here */
        return;
    }
    uint32_t *restrict x = a->time, *restrict y = b->time;
    for (uint32_t i = 0; i < size; i++) {
        uint32_t time = x[i] > y[i] ? x[i] : y[i];
        x[i] = time;
        y[i] = time;
    }
}

void vclock_copy(struct vclock *to, const struct vclock *from)
{
    to->size = 0;
    vclock_grow(to, from->size);
    for (uint32_t i = 0; i < from->size; i++)
        to->time[i] = from->time[i];
}

void vclock_clear(struct vclock *c)
{
    c->size = 0;
}

void vclock_free(struct vclock *c)
{
    det_free(c->time);
    *c = (struct vclock){0};
}
