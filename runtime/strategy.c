/*
 * The strategies this layer ships: FIFO for ordinary runs, seeded random
 * for exploration. Both are pure functions of their own state and the
 * choice, so a run replays from its seed; FIFO's state for select cases is
 * the worker thread's generator, seeded by the worker's index.
 */
#include "runtime.h"

/* ---- xoshiro256** seeded by splitmix64 ---- */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t weft_random_next(uint64_t s[4])
{
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void weft_random_seed(uint64_t s[4], uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        s[i] = z ^ (z >> 31);
    }
}

uint64_t weft_random_below(uint64_t s[4], uint64_t bound)
{
    /* Lemire's multiply-shift with rejection: unbiased */
    __uint128_t m = (__uint128_t)weft_random_next(s) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t threshold = -bound % bound;
        while (low < threshold) {
            m = (__uint128_t)weft_random_next(s) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/* ---- the worker's own generator (wyrand) ---- */

/* Seeded lazily from the worker's index: no state is shared between worker
 * threads, and a run on one thread makes the same choices every time. */
static uint64_t worker_random_next(void)
{
    if (unlikely(ws.random == 0))
        ws.random = (ws.index + 1) * 0x9e3779b97f4a7c15ull;
    ws.random += 0xa0761d6478bd642full;
    __uint128_t m =
        (__uint128_t)ws.random * (ws.random ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

/* In [0, bound): multiply-shift, as Go's fastrandn (the bias is below
 * bound / 2^64). */
static size_t worker_random_below(size_t bound)
{
    return (size_t)(((__uint128_t)worker_random_next() * bound) >> 64);
}

/* ---- FIFO ---- */

static size_t fifo_choose(struct weft_strategy *self,
                          const struct weft_choice *choice)
{
    (void)self;
    /* Select cases: uniform, as Go's random poll order, and each select
     * draws for itself; everything else goes in arrival order. */
    if (choice->kind == WEFT_CHOOSE_CASE)
        return worker_random_below(choice->count);
    return 0;
}

static struct weft_strategy fifo = {
    .name = "fifo",
    .preemptive = false,
    .virtual_time = false,
    .choose = fifo_choose,
};

struct weft_strategy *weft_strategy_fifo(void)
{
    return &fifo;
}

/* ---- random ---- */

static size_t random_choose(struct weft_strategy *self,
                            const struct weft_choice *choice)
{
    struct weft_random_strategy *r = (struct weft_random_strategy *)self;
    return (size_t)weft_random_below(r->state, choice->count);
}

void weft_strategy_random_init(struct weft_random_strategy *s, uint64_t seed)
{
    s->base = (struct weft_strategy){
        .name = "random",
        .preemptive = true,
        .virtual_time = true,
        .choose = random_choose,
    };
    weft_random_seed(s->state, seed);
}
