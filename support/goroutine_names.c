/* Goroutines' names in reports (goroutine_names.h). */
#include <stdio.h>

#include "goroutine_names.h"

static bool as_threads;

void goroutine_names_as_threads(void)
{
    as_threads = true;
}

bool goroutine_names_are_threads(void)
{
    return as_threads;
}

const char *goroutine_name(char *buffer, size_t size, uint64_t id,
                           bool capitalised)
{
    if (as_threads)
        snprintf(buffer, size, "%s T%llu", capitalised ? "Thread" : "thread",
                 (unsigned long long)(id ? id - 1 : 0));
    else
        snprintf(buffer, size, "%s %llu",
                 capitalised ? "Goroutine" : "goroutine",
                 (unsigned long long)id);
    return buffer;
}
