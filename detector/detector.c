/*
 * Starting the detector, and its small public surface (detector.h).
 *
 * Invariants: detector_start runs once, on the thread that runs every
 * goroutine, before any access is checked; from then on the runtime sends
 * its events here (events.c, wired by runtime_link.c). The exit status becomes
 * report_options.exitcode when a race was reported, from an atexit handler
 * registered first, so it runs after the program's own handlers.
 */
#include "detector.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depot.h"
#include "hash_table.h"
#include "heap.h"
#include "libc.h"
#include "report.h"
#include "shadow.h"
#include "state.h"
#include "sync.h"

struct detector det;

void interceptors_start(void);

void *det_alloc(size_t size)
{
    void *p = __libc_malloc(size);
    if (!p && size) {
        fprintf(stderr, "weft: race detector: out of memory\n");
        _Exit(2);
    }
    return p;
}

void *det_calloc(size_t count, size_t size)
{
    void *p = __libc_calloc(count, size);
    if (!p && count && size) {
        fprintf(stderr, "weft: race detector: out of memory\n");
        _Exit(2);
    }
    return p;
}

void *det_realloc(void *p, size_t size)
{
    p = __libc_realloc(p, size);
    if (!p && size) {
        fprintf(stderr, "weft: race detector: out of memory\n");
        _Exit(2);
    }
    return p;
}

void det_free(void *p)
{
    __libc_free(p);
}

const struct hash_allocator det_hash_allocator = {det_calloc, det_free};

bool detector_start_schedule_heap(void)
{
    return heap_start();
}

bool detector_enabled(void)
{
    return det.initialized;
}

static void exit_with_status(void)
{
    if (detector_races_found() == 0)
        return;
    fflush(NULL);
    _exit(report_options.exitcode);
}

void detector_start(const struct detector_schedule_source *schedule)
{
    if (det.initialized)
        return;
    shadow_init();
    depot_init();
    det.cur_tid = 1;
    det.cur = det_goroutine(1);
    det_refresh_bits();
    report_configure(schedule);
    atexit(exit_with_status);
    interceptors_start();
    det.initialized = true;
    det_update_checking();
}
