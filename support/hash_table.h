/*
 * One hash table for every layer: open addressing with linear probing over
 * fixed-size slots, each beginning with a 64-bit word.
 *
 * Invariants:
 *  - A slot is slot_size bytes (a multiple of 8) and begins with a uint64_t
 *    word: 0 in an empty slot, never 0 in a used one.
 *  - At most half the slots are used, so a probe ends at an empty slot after
 *    a step or two. No tombstones: removing shifts the later slots of its
 *    probe run back.
 *  - A slot's home is the top bits of its 64-bit hash. A table keyed by a
 *    nonzero integer keeps the key in the first word and hashes it with
 *    hash_u64 (find, add); a table with another key gives slot_hash, probes
 *    itself from hash_table_home and fills what hash_table_claim returns.
 *  - Slots move when the table grows or loses a slot: a pointer to one is
 *    good until the next claim or remove.
 *  - The order of the slots follows the hashes of the keys (addresses, which
 *    differ between runs), so the table offers no iteration: only clear
 *    visits every slot, to let go of what they own (DESIGN.md, Determinism).
 *  - It allocates only through its allocator (support/ sits below the
 *    layers that own allocators); its copies are weft's own memcpy, which
 *    no interceptor checks (own_libc.h).
 */
#ifndef WEFT_SUPPORT_HASH_TABLE_H
#define WEFT_SUPPORT_HASH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hash_allocator {
    /* zeroed memory for count * size bytes; never NULL (it fails itself) */
    void *(*calloc)(size_t count, size_t size);
    void (*free)(void *p);
};

struct hash_table {
    unsigned char *slots; /* NULL until the first claim or allocate */
    size_t mask;          /* slot count - 1 */
    unsigned shift;       /* 64 - log2(slot count): home = hash >> shift */
    size_t count;         /* used slots */
    size_t slot_size;
    size_t first_slots; /* a power of two */
    /* the hash of a used slot's key; NULL: hash_u64 of its first word */
    uint64_t (*slot_hash)(const void *slot);
    const struct hash_allocator *allocator;
};

/* An empty table of slot_type slots; nothing allocated until needed. */
#define HASH_TABLE(slot_type, first, hash, alloc)                              \
    {                                                                          \
        .slot_size = sizeof(slot_type), .first_slots = (first),                \
        .slot_hash = (hash), .allocator = (alloc)                              \
    }

/* Fibonacci hashing: the top bits of the product mix every bit of key. */
static inline uint64_t hash_u64(uint64_t key)
{
    return key * 0x9E3779B97F4A7C15ull;
}

static inline size_t hash_table_home(const struct hash_table *t, uint64_t hash)
{
    return (size_t)(hash >> t->shift);
}

static inline size_t hash_table_next(const struct hash_table *t, size_t i)
{
    return (i + 1) & t->mask;
}

static inline void *hash_table_slot(const struct hash_table *t, size_t i)
{
    return t->slots + i * t->slot_size;
}

static inline uint64_t hash_slot_word(const void *slot)
{
    return *(const uint64_t *)slot;
}

/* The slot whose first word is key (nonzero), or NULL. */
static inline void *hash_table_find(const struct hash_table *t, uint64_t key)
{
    if (!t->slots)
        return NULL;
    for (size_t i = hash_table_home(t, hash_u64(key));;
         i = hash_table_next(t, i)) {
        uint64_t *slot = hash_table_slot(t, i);
        if (*slot == 0)
            return NULL;
        if (*slot == key)
            return slot;
    }
}

/* Allocates the first slots now, so that lookups need not test for none. */
void hash_table_allocate(struct hash_table *t);

/* An empty slot on the probe of hash, counted as used, growing the table
 * first if it would be over half full; the caller makes its first word
 * nonzero before the next call on the table. */
void *hash_table_claim(struct hash_table *t, uint64_t hash);

/* The slot for key (nonzero), which is not in the table: its first word
 * key, the rest zero. */
static inline void *hash_table_add(struct hash_table *t, uint64_t key)
{
    uint64_t *slot = hash_table_claim(t, hash_u64(key));
    *slot = key;
    return slot;
}

/* Empties slot, which the caller has let go of. */
void hash_table_remove(struct hash_table *t, void *slot);

/* Empties every slot, keeping the memory; forget (if not NULL) is called on
 * each used slot first, in no meaningful order. */
void hash_table_clear(struct hash_table *t, void (*forget)(void *slot));

/* Gives the memory back; the table is empty and usable again. */
void hash_table_free(struct hash_table *t);

#endif
