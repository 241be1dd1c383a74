/*
 * A pthread object's weft state: the object's first 16 bytes hold a
 * pointer to a block of weft's and the pointer again, mixed, as a check.
 * glibc's static initialisers leave those bytes zero (the kind of a
 * recursive or error-checking mutex lies past them), so zero is "not used
 * yet" and the block is made on first use. Anything else there (an object
 * initialised by the real call, or garbage) is refused, not guessed at.
 * Blocks come from weft's own heap: the schedule heap in a schedule, so
 * their addresses are the same in a replay.
 */
#include <stdlib.h>
#include <string.h>

#include "posix.h"

struct posix_slot {
    void *state;
    uintptr_t check;
};

static const uintptr_t CHECK_MIX = 0x77656674706f7378; /* "weftposx" */

void *posix_state_new(void *object, size_t size)
{
    struct posix_slot *slot = object;
    void *state = calloc(1, size);
    if (!state)
        weft_panic("posix: out of memory");
    slot->state = state;
    slot->check = (uintptr_t)state ^ CHECK_MIX;
    return state;
}

void *posix_state(void *object, size_t size, const char *call)
{
    if (!object)
        weft_panic("%s: a NULL object", call);
    struct posix_slot *slot = object;
    if (likely(slot->state && slot->check == ((uintptr_t)slot->state ^ CHECK_MIX)))
        return slot->state;
    if (slot->state || slot->check)
        weft_panic("%s: %p is not an object weft knows (initialised outside "
                   "weft, or overwritten)",
                   call, object);
    return posix_state_new(object, size);
}

void posix_state_free(void *object)
{
    struct posix_slot *slot = object;
    free(slot->state);
    memset(slot, 0, sizeof *slot);
}
