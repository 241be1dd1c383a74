/* The hash table (support/hash_table.h): integer keys, keys of the caller's
 * own with its hash, growth, removal's shifting back, clearing. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "hash_table.h"

struct entry {
    uint64_t key;
    uint64_t value;
};

static size_t allocations, frees;

static void *counting_calloc(size_t count, size_t size)
{
    allocations++;
    void *p = calloc(count, size);
    cr_assert_not_null(p);
    return p;
}

static void counting_free(void *p)
{
    frees++;
    free(p);
}

static const struct hash_allocator allocator = {counting_calloc, counting_free};

static struct entry *put(struct hash_table *t, uint64_t key, uint64_t value)
{
    struct entry *e = hash_table_add(t, key);
    cr_assert_eq(e->value, 0, "a claimed slot starts zeroed");
    e->value = value;
    return e;
}

static void expect(const struct hash_table *t, uint64_t key, uint64_t value)
{
    struct entry *e = hash_table_find(t, key);
    cr_assert_not_null(e, "key %llu missing", (unsigned long long)key);
    cr_assert_eq(e->key, key);
    cr_assert_eq(e->value, value, "key %llu", (unsigned long long)key);
}

Test(hash_table, empty_table_finds_nothing_and_allocates_nothing)
{
    struct hash_table t = HASH_TABLE(struct entry, 16, NULL, &allocator);
    cr_assert_null(hash_table_find(&t, 1));
    cr_assert_null(t.slots);
    hash_table_clear(&t, NULL);
    hash_table_free(&t);
    cr_assert_eq(allocations, 0);
}

Test(hash_table, insert_then_find)
{
    struct hash_table t = HASH_TABLE(struct entry, 16, NULL, &allocator);
    put(&t, 42, 4200);
    put(&t, 7, 700);
    expect(&t, 42, 4200);
    expect(&t, 7, 700);
    cr_assert_null(hash_table_find(&t, 8));
    cr_assert_eq(t.count, 2);
    cr_assert_eq(t.mask + 1, 16);
    hash_table_free(&t);
    cr_assert_eq(allocations, frees);
}

Test(hash_table, grows_past_half_full_and_keeps_every_key)
{
    struct hash_table t = HASH_TABLE(struct entry, 4, NULL, &allocator);
    for (uint64_t k = 1; k <= 3; k++)
        put(&t, k, k * 10);
    cr_assert_eq(t.mask + 1, 8, "the third key would fill more than half");
    for (uint64_t k = 1; k <= 3; k++)
        expect(&t, k, k * 10);
    hash_table_free(&t);
    cr_assert_eq(allocations, 2);
    cr_assert_eq(frees, 2);
}

Test(hash_table, many_keys)
{
    enum { COUNT = 100000 };
    struct hash_table t = HASH_TABLE(struct entry, 16, NULL, &allocator);
    /* pointer-like keys: aligned, close together */
    for (uint64_t k = 1; k <= COUNT; k++)
        put(&t, 0x7f0000000000ull + k * 16, k);
    cr_assert_eq(t.count, COUNT);
    cr_assert_leq(t.count * 2, t.mask + 1);
    for (uint64_t k = 1; k <= COUNT; k++)
        expect(&t, 0x7f0000000000ull + k * 16, k);
    cr_assert_null(hash_table_find(&t, 0x7f0000000000ull + 8));
    hash_table_free(&t);
}

/* Keys whose hashes share their top bits: one home, one probe run. */
static uint64_t colliding_key(uint64_t n)
{
    /* the inverse of the Fibonacci multiplier modulo 2^64 */
    const uint64_t inverse = 0xF1DE83E19937733Dull;
    return (n << 8) * inverse; /* hash_u64 gives n << 8: top bits zero */
}

Test(hash_table, colliding_keys_chain_and_are_found)
{
    cr_assert_eq(hash_u64(colliding_key(5)), 5 << 8);
    struct hash_table t = HASH_TABLE(struct entry, 64, NULL, &allocator);
    for (uint64_t n = 1; n <= 20; n++)
        put(&t, colliding_key(n), n);
    for (uint64_t n = 1; n <= 20; n++) {
        expect(&t, colliding_key(n), n);
        cr_assert_eq(hash_table_home(&t, hash_u64(colliding_key(n))), 0);
    }
    cr_assert_null(hash_table_find(&t, colliding_key(21)));
    hash_table_free(&t);
}

Test(hash_table, remove_shifts_the_chain_back)
{
    struct hash_table t = HASH_TABLE(struct entry, 64, NULL, &allocator);
    for (uint64_t n = 1; n <= 10; n++)
        put(&t, colliding_key(n), n);
    put(&t, 99, 9900); /* elsewhere, or in the chain's way */
    hash_table_remove(&t, hash_table_find(&t, colliding_key(3)));
    hash_table_remove(&t, hash_table_find(&t, colliding_key(1)));
    cr_assert_eq(t.count, 9);
    cr_assert_null(hash_table_find(&t, colliding_key(3)));
    cr_assert_null(hash_table_find(&t, colliding_key(1)));
    for (uint64_t n = 2; n <= 10; n++)
        if (n != 3)
            expect(&t, colliding_key(n), n);
    expect(&t, 99, 9900);
    /* no hole left in the run: the first slots are the 8 survivors */
    for (size_t i = 0; i < 8; i++)
        cr_assert_neq(((struct entry *)hash_table_slot(&t, i))->key, 0);
    hash_table_free(&t);
}

Test(hash_table, remove_wraps_around_the_end)
{
    struct hash_table t = HASH_TABLE(struct entry, 8, NULL, &allocator);
    /* home 7 (the last slot): the run wraps to slots 0 and 1 */
    const uint64_t last = (uint64_t)7 << 61;
    for (uint64_t n = 0; n < 3; n++)
        put(&t, colliding_key((last >> 8) + n), n + 1);
    cr_assert_eq(((struct entry *)hash_table_slot(&t, 0))->value, 2);
    hash_table_remove(&t, hash_table_slot(&t, 7));
    expect(&t, colliding_key((last >> 8) + 1), 2);
    expect(&t, colliding_key((last >> 8) + 2), 3);
    cr_assert_eq(((struct entry *)hash_table_slot(&t, 7))->value, 2);
    cr_assert_eq(((struct entry *)hash_table_slot(&t, 0))->value, 3);
    cr_assert_eq(((struct entry *)hash_table_slot(&t, 1))->key, 0);
    hash_table_free(&t);
}

Test(hash_table, remove_and_reinsert_many)
{
    enum { COUNT = 5000 };
    struct hash_table t = HASH_TABLE(struct entry, 16, NULL, &allocator);
    for (uint64_t k = 1; k <= COUNT; k++)
        put(&t, k, k);
    for (uint64_t k = 1; k <= COUNT; k += 2)
        hash_table_remove(&t, hash_table_find(&t, k));
    for (uint64_t k = 1; k <= COUNT; k++)
        if (k % 2)
            cr_assert_null(hash_table_find(&t, k));
        else
            expect(&t, k, k);
    for (uint64_t k = 1; k <= COUNT; k += 2)
        put(&t, k, k + 1);
    for (uint64_t k = 1; k <= COUNT; k++)
        expect(&t, k, k % 2 ? k + 1 : k);
    cr_assert_eq(t.count, COUNT);
    hash_table_free(&t);
}

static size_t forgotten;

static void forget(void *slot)
{
    forgotten += ((struct entry *)slot)->value;
}

Test(hash_table, clear_forgets_every_slot_and_keeps_the_memory)
{
    struct hash_table t = HASH_TABLE(struct entry, 16, NULL, &allocator);
    for (uint64_t k = 1; k <= 100; k++)
        put(&t, k, k);
    size_t slots = t.mask + 1;
    hash_table_clear(&t, forget);
    cr_assert_eq(forgotten, 5050);
    cr_assert_eq(t.count, 0);
    cr_assert_eq(t.mask + 1, slots);
    for (size_t i = 0; i < slots; i++) {
        const struct entry *e = hash_table_slot(&t, i);
        cr_assert(e->key == 0 && e->value == 0, "slot %zu not empty", i);
    }
    cr_assert_null(hash_table_find(&t, 50));
    put(&t, 50, 1);
    expect(&t, 50, 1);
    hash_table_free(&t);
    cr_assert_eq(allocations, frees);
}

/* A key of the caller's own (two words), with its hash: the first word
 * packs a value that is never 0 in a used slot, as the stack depot does. */
struct pair_slot {
    uint64_t tag; /* id << 32 | a */
    uint64_t b;
};

static uint64_t pair_hash(uint32_t a, uint64_t b)
{
    return hash_u64(b) ^ (a * 0xC2B2AE3D27D4EB4Full);
}

static uint64_t pair_slot_hash(const void *slot)
{
    const struct pair_slot *s = slot;
    return pair_hash((uint32_t)s->tag, s->b);
}

static struct pair_slot *pair_slot_of(const struct hash_table *t, uint32_t a,
                                      uint64_t b)
{
    for (size_t i = hash_table_home(t, pair_hash(a, b));;
         i = hash_table_next(t, i)) {
        struct pair_slot *s = hash_table_slot(t, i);
        if (!s->tag)
            return NULL;
        if ((uint32_t)s->tag == a && s->b == b)
            return s;
    }
}

static uint32_t pair_find(const struct hash_table *t, uint32_t a, uint64_t b)
{
    const struct pair_slot *s = pair_slot_of(t, a, b);
    return s ? (uint32_t)(s->tag >> 32) : 0;
}

Test(hash_table, keys_of_the_callers_own)
{
    struct hash_table t =
        HASH_TABLE(struct pair_slot, 4, pair_slot_hash, &allocator);
    hash_table_allocate(&t);
    cr_assert_not_null(t.slots);
    cr_assert_eq(pair_find(&t, 0, 0), 0, "a = 0, b = 0 is no empty slot");
    uint32_t id = 1;
    for (uint32_t a = 0; a < 50; a++)
        for (uint64_t b = 0; b < 50; b++) {
            struct pair_slot *s = hash_table_claim(&t, pair_hash(a, b));
            cr_assert_eq(s->tag, 0);
            s->tag = (uint64_t)id++ << 32 | a;
            s->b = b;
        }
    /* removal rehashes with slot_hash */
    for (uint32_t a = 0; a < 50; a += 2)
        for (uint64_t b = 0; b < 50; b++)
            hash_table_remove(&t, pair_slot_of(&t, a, b));
    id = 1;
    for (uint32_t a = 0; a < 50; a++)
        for (uint64_t b = 0; b < 50; b++, id++)
            cr_assert_eq(pair_find(&t, a, b), a % 2 ? id : 0);
    cr_assert_eq(pair_find(&t, 51, 0), 0);
    cr_assert_eq(t.count, 25 * 50);
    hash_table_free(&t);
}
