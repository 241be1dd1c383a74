/*
 * Test registration: WEFT_TEST's constructors call weft_test_register
 * before main; the list is sorted by name on first use so that listing
 * and running do not depend on link order.
 */
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "weft.h"

static struct {
    struct registered_test *tests;
    size_t count, capacity;
    bool sorted;
} registry;

void weft_test_register(const char *name, void (*body)(void), const char *file,
                        int line)
{
    if (registry.count == registry.capacity) {
        size_t capacity = registry.capacity ? registry.capacity * 2 : 32;
        struct registered_test *tests =
            realloc(registry.tests, capacity * sizeof *tests);
        if (!tests)
            abort();
        registry.tests = tests;
        registry.capacity = capacity;
    }
    registry.tests[registry.count++] =
        (struct registered_test){name, body, file, line};
    registry.sorted = false;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct registered_test *)a)->name,
                  ((const struct registered_test *)b)->name);
}

static void sort_once(void)
{
    if (registry.sorted)
        return;
    qsort(registry.tests, registry.count, sizeof *registry.tests, by_name);
    registry.sorted = true;
}

size_t tests_count(void)
{
    return registry.count;
}

const struct registered_test *test_at(size_t index)
{
    sort_once();
    return index < registry.count ? &registry.tests[index] : NULL;
}

const struct registered_test *test_find(const char *name)
{
    sort_once();
    for (size_t i = 0; i < registry.count; i++)
        if (strcmp(registry.tests[i].name, name) == 0)
            return &registry.tests[i];
    return NULL;
}
