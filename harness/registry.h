/* The test registry (registry.c): what WEFT_TEST registered. */
#ifndef WEFT_HARNESS_REGISTRY_H
#define WEFT_HARNESS_REGISTRY_H

#include <stddef.h>

struct registered_test {
    const char *name;
    void (*body)(void);
    const char *file;
    int line;
};

/* Tests sorted by name, so listings and runs do not depend on link order. */
size_t tests_count(void);
const struct registered_test *test_at(size_t index);
const struct registered_test *test_find(const char *name);

#endif
