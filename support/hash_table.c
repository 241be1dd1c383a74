/*
 * The hash table's slow paths (hash_table.h): allocating, growing, claiming,
 * removing, clearing. An empty slot is all zero bytes, so a fresh
 * allocation is all empty slots and a claimed slot needs no clearing.
 */
#include "hash_table.h"

#include <string.h> /* weft's own memcpy/memset: own_libc.h */

static uint64_t hash_of(const struct hash_table *t, const void *slot)
{
    return t->slot_hash ? t->slot_hash(slot) : hash_u64(hash_slot_word(slot));
}

static void *empty_on_probe(const struct hash_table *t, uint64_t hash)
{
    size_t i = hash_table_home(t, hash);
    while (hash_slot_word(hash_table_slot(t, i)))
        i = hash_table_next(t, i);
    return hash_table_slot(t, i);
}

/* slot_count: a power of two, at least 2 (a shift of 64 is undefined) */
static void resize(struct hash_table *t, size_t slot_count)
{
    unsigned char *old = t->slots;
    size_t old_count = old ? t->mask + 1 : 0;
    t->slots = t->allocator->calloc(slot_count, t->slot_size);
    t->mask = slot_count - 1;
    t->shift = 64 - (unsigned)__builtin_ctzll(slot_count);
    for (size_t i = 0; i < old_count; i++) {
        const void *from = old + i * t->slot_size;
        if (hash_slot_word(from))
            memcpy(empty_on_probe(t, hash_of(t, from)), from, t->slot_size);
    }
    if (old)
        t->allocator->free(old);
}

static size_t first_size(const struct hash_table *t)
{
    size_t size = 2;
    while (size < t->first_slots)
        size *= 2;
    return size;
}

void hash_table_allocate(struct hash_table *t)
{
    if (!t->slots)
        resize(t, first_size(t));
}

void *hash_table_claim(struct hash_table *t, uint64_t hash)
{
    if (!t->slots)
        resize(t, first_size(t));
    else if ((t->count + 1) * 2 > t->mask + 1)
        resize(t, (t->mask + 1) * 2);
    t->count++;
    return empty_on_probe(t, hash);
}

void hash_table_remove(struct hash_table *t, void *slot)
{
    size_t hole = (size_t)((unsigned char *)slot - t->slots) / t->slot_size;
    memset(slot, 0, t->slot_size);
    t->count--;
    /* shift back the slots that probed past the hole: a slot may fill it
     * unless its home lies cyclically in (hole, i] */
    for (size_t i = hash_table_next(t, hole);
         hash_slot_word(hash_table_slot(t, i)); i = hash_table_next(t, i)) {
        void *at = hash_table_slot(t, i);
        size_t home = hash_table_home(t, hash_of(t, at));
        bool movable =
            hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
        if (movable) {
            memcpy(hash_table_slot(t, hole), at, t->slot_size);
            memset(at, 0, t->slot_size);
            hole = i;
        }
    }
}

void hash_table_clear(struct hash_table *t, void (*forget)(void *slot))
{
    for (size_t i = 0; t->slots && i <= t->mask; i++) {
        void *slot = hash_table_slot(t, i);
        if (!hash_slot_word(slot))
            continue;
        if (forget)
            forget(slot);
        memset(slot, 0, t->slot_size);
    }
    t->count = 0;
}

void hash_table_free(struct hash_table *t)
{
    if (t->slots)
        t->allocator->free(t->slots);
    t->slots = NULL;
    t->mask = 0;
    t->shift = 0;
    t->count = 0;
}
