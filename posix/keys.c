/*
 * pthread_key_*: thread-specific values, per goroutine. The keys are
 * process-wide (a table of destructors); each thread keeps its values in
 * its own record, made on its first pthread_setspecific.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include "posix.h"

static struct {
    bool used[POSIX_KEYS_MAX];
    void (*destructor[POSIX_KEYS_MAX])(void *value);
} keys;

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    if (!posix_active())
        return REAL(pthread_key_create)(key, destructor);
    for (unsigned k = 0; k < POSIX_KEYS_MAX; k++)
        if (!keys.used[k]) {
            keys.used[k] = true;
            keys.destructor[k] = destructor;
            *key = k;
            return 0;
        }
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
    if (!posix_active())
        return REAL(pthread_key_delete)(key);
    if (key >= POSIX_KEYS_MAX || !keys.used[key])
        return EINVAL;
    keys.used[key] = false;
    keys.destructor[key] = NULL;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    if (!posix_active())
        return REAL(pthread_getspecific)(key);
    struct posix_thread *self = posix_self();
    if (key >= POSIX_KEYS_MAX || !keys.used[key] || !self->values)
        return NULL;
    return self->values[key];
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (!posix_active())
        return REAL(pthread_setspecific)(key, value);
    struct posix_thread *self = posix_self();
    if (key >= POSIX_KEYS_MAX || !keys.used[key])
        return EINVAL;
    if (!self->values &&
        !(self->values = calloc(POSIX_KEYS_MAX, sizeof *self->values)))
        return ENOMEM;
    self->values[key] = (void *)value;
    return 0;
}

/* POSIX's rounds: a destructor may set values again, so up to
 * PTHREAD_DESTRUCTOR_ITERATIONS passes while any is left. */
void posix_keys_run_destructors(struct posix_thread *self)
{
    for (int round = 0; self->values && round < PTHREAD_DESTRUCTOR_ITERATIONS;
         round++) {
        bool called = false;
        for (unsigned k = 0; k < POSIX_KEYS_MAX; k++) {
            void *value = self->values[k];
            if (!value || !keys.used[k] || !keys.destructor[k])
                continue;
            self->values[k] = NULL;
            keys.destructor[k](value);
            called = true;
        }
        if (!called)
            return;
    }
}
