/*
 * Time for a pthread program under weft: sleeps are weft_sleep, yields
 * weft_yield, and the clocks read weft's clock (virtual under the harness:
 * it starts at 0 and jumps to the next deadline when every thread
 * waits), each from a fixed origin, so a deadline the program computes
 * from clock_gettime means the same in every schedule and replay.
 * CPU-time clocks stay the real ones.
 */
#include <errno.h>
#include <sched.h>
#include <sys/time.h>
#include <unistd.h>

#include "posix.h"

/* what the clocks read when weft's reads 0: 2026-01-01 00:00:00 UTC for
 * the wall clock, an hour for the others */
static const int64_t REALTIME_ORIGIN_S = 1767225600, MONOTONIC_ORIGIN_S = 3600;

/* The origin of a clock weft keeps, or -1 for one it does not. */
static int64_t clock_origin_ns(clockid_t clock)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        return REALTIME_ORIGIN_S * WEFT_SECOND;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
        return MONOTONIC_ORIGIN_S * WEFT_SECOND;
    default:
        return -1;
    }
}

int posix_deadline(clockid_t clock, const struct timespec *at,
                   int64_t *deadline_ns)
{
    int64_t origin = clock_origin_ns(clock);
    if (!at || origin < 0 || at->tv_nsec < 0 || at->tv_nsec >= WEFT_SECOND)
        return EINVAL;
    int64_t since = at->tv_sec - origin / WEFT_SECOND;
    /* far past or future: now, or never within a schedule */
    if (since < 0)
        since = 0;
    if (since > INT64_MAX / WEFT_SECOND - 1)
        since = INT64_MAX / WEFT_SECOND - 1;
    *deadline_ns = since * WEFT_SECOND + at->tv_nsec;
    return 0;
}

void posix_sleep_until(int64_t deadline_ns)
{
    int64_t now = weft_now();
    weft_sleep(deadline_ns > now ? deadline_ns - now : 0);
}

bool posix_poll_until(bool (*attempt)(void *object), void *object,
                      int64_t deadline_ns)
{
    int64_t pause = WEFT_MILLISECOND;
    while (!attempt(object)) {
        int64_t now = weft_now();
        if (now >= deadline_ns)
            return false;
        posix_sleep_until(deadline_ns - now > pause ? now + pause
                                                     : deadline_ns);
        pause *= 2;
    }
    return true;
}

int clock_gettime(clockid_t clock, struct timespec *now)
{
    int64_t origin;
    if (!posix_active() || (origin = clock_origin_ns(clock)) < 0)
        return REAL(clock_gettime)(clock, now);
    int64_t ns = origin + weft_now();
    *now = (struct timespec){ns / WEFT_SECOND, ns % WEFT_SECOND};
    return 0;
}

int gettimeofday(struct timeval *restrict now, void *restrict zone)
{
    if (!posix_active())
        return REAL(gettimeofday)(now, zone);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *now = (struct timeval){ts.tv_sec, ts.tv_nsec / 1000};
    return 0;
}

time_t time(time_t *now)
{
    if (!posix_active())
        return REAL(time)(now);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (now)
        *now = ts.tv_sec;
    return ts.tv_sec;
}

int nanosleep(const struct timespec *duration, struct timespec *left)
{
    if (!posix_active())
        return REAL(nanosleep)(duration, left);
    if (duration->tv_sec < 0 || duration->tv_nsec < 0 ||
        duration->tv_nsec >= WEFT_SECOND) {
        errno = EINVAL;
        return -1;
    }
    weft_sleep(duration->tv_sec * WEFT_SECOND + duration->tv_nsec);
    if (left)
        *left = (struct timespec){0, 0};
    return 0;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *until,
                    struct timespec *left)
{
    if (!posix_active())
        return REAL(clock_nanosleep)(clock, flags, until, left);
    if (!(flags & TIMER_ABSTIME))
        return nanosleep(until, left) == 0 ? 0 : errno;
    int64_t deadline;
    int error = posix_deadline(clock, until, &deadline);
    if (error)
        return error;
    posix_sleep_until(deadline);
    return 0;
}

unsigned sleep(unsigned seconds)
{
    if (!posix_active())
        return REAL(sleep)(seconds);
    weft_sleep((int64_t)seconds * WEFT_SECOND);
    return 0;
}

int usleep(useconds_t microseconds)
{
    if (!posix_active())
        return REAL(usleep)(microseconds);
    weft_sleep((int64_t)microseconds * 1000);
    return 0;
}

int sched_yield(void)
{
    if (!posix_active())
        return REAL(sched_yield)();
    weft_yield();
    return 0;
}
