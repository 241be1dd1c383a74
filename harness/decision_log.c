/*
 * The decision log: where a schedule's process records its decisions (and
 * the options of each), in memory shared with the parent, so the parent
 * reads them even when the child crashed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "decision_log.h"

static size_t log_bytes(size_t capacity)
{
    return sizeof(struct decision_log) + capacity * sizeof(struct decision) +
           capacity * 4 * sizeof(struct weft_option);
}

struct decision_log *decision_log_create(size_t capacity)
{
    size_t option_capacity = capacity * 4;
    size_t decisions = capacity * sizeof(struct decision);
    size_t bytes = log_bytes(capacity);
    struct decision_log *log =
        mmap(NULL, bytes, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (log == MAP_FAILED) { /* under ulimit -v, say: say so, no crash */
        fprintf(stderr, "weft: cannot map the decision log (%zu MiB): %s\n",
                bytes >> 20, strerror(errno));
        exit(2);
    }
    log->capacity = capacity;
    log->option_capacity = option_capacity;
    log->options = (struct weft_option *)((char *)(log + 1) + decisions);
    return log;
}

void decision_log_free(struct decision_log *log)
{
    /* a long schedule's pages stay in the shared memory until it goes */
    if (log)
        munmap(log, log_bytes(log->capacity));
}
