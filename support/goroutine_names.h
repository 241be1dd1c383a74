/*
 * How reports name a goroutine: "goroutine 3", or, for a pthread program
 * (`weft test --pthread`, whose goroutines are its threads), "thread T2",
 * numbered as ThreadSanitizer does: the main thread T0, then in order of
 * creation (goroutine 1 is main, so goroutine N is thread T(N-1)).
 */
#ifndef WEFT_SUPPORT_GOROUTINE_NAMES_H
#define WEFT_SUPPORT_GOROUTINE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* From here on, in this process, goroutines are named as threads. */
void goroutine_names_as_threads(void);

/* Whether goroutines are named as threads here. */
bool goroutine_names_are_threads(void);

/* "goroutine 3" or "thread T2" into buffer (capitalised: "Goroutine 3",
 * "Thread T2"); returns buffer. */
const char *goroutine_name(char *buffer, size_t size, uint64_t id,
                           bool capitalised);

/* Room for any name. */
enum { GOROUTINE_NAME_MAX = 32 };

#endif
