/*
 * Times and durations that saturate instead of wrapping: a deadline of
 * now + INT64_MAX is "never", not a moment in the past (Go's timers
 * saturate the same way).
 */
#ifndef WEFT_SUPPORT_SATURATE_H
#define WEFT_SUPPORT_SATURATE_H

#include <stdint.h>

static inline int64_t add_saturating(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

static inline int64_t mul_saturating(int64_t a, int64_t b)
{
    int64_t product;
    if (__builtin_mul_overflow(a, b, &product))
        return (a > 0) == (b > 0) ? INT64_MAX : INT64_MIN;
    return product;
}

#endif
