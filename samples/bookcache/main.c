/*
 * The book cache from the concurrency notes: for each book, a goroutine
 * asks the cache and, on a miss, the database, which fills the cache. The
 * cache is shared by every query.
 *   unguarded_cache      the cache's storage is read and written with no
 *                        synchronisation: a data race
 *   rwmutex_cache        readers under RLock, the database's write under
 *                        Lock: clean in every schedule
 * Built with -fsanitize=thread (weft_race), run with `weft test`.
 */
#include <stdbool.h>
#include <weft.h>

struct book {
    int id;
    const char *title;
};

enum { SLOTS = 8, QUERIES = 4 };

static const struct book database[] = {
    {1, "The Go Programming Language"}, {2, "Concurrency in Go"},
    {3, "Go in Action"},                {4, "Learning Go"},
};

static struct {
    struct book slots[SLOTS];
    weft_rwmutex lock;
    bool guarded;
} cache;

/* noinline: so each shows as its own frame in the race report */
__attribute__((noinline)) static bool query_cache(int id, struct book *out)
{
    if (cache.guarded)
        weft_rwmutex_rlock(&cache.lock);
    struct book slot = cache.slots[id % SLOTS];
    if (cache.guarded)
        weft_rwmutex_runlock(&cache.lock);
    *out = slot;
    return slot.id == id;
}

__attribute__((noinline)) static struct book query_database(int id)
{
    weft_sleep(10 * WEFT_MILLISECOND); /* the database is slow */
    struct book book = database[id - 1];
    if (cache.guarded)
        weft_rwmutex_lock(&cache.lock);
    cache.slots[id % SLOTS] = book;
    if (cache.guarded)
        weft_rwmutex_unlock(&cache.lock);
    return book;
}

static weft_waitgroup done;

static void look_up(void *arg)
{
    int id = (int)(long)arg;
    struct book book;
    if (!query_cache(id, &book))
        book = query_database(id);
    weft_assert(book.id == id, "asked for book %d, got %d", id, book.id);
    weft_waitgroup_done(&done);
}

static void run_queries(bool guarded)
{
    cache.guarded = guarded;
    weft_waitgroup_add(&done, QUERIES);
    for (long i = 0; i < QUERIES; i++)
        weft_go(look_up, (void *)(i % 2 + 1)); /* books 1 and 2, twice */
    weft_waitgroup_wait(&done);
}

WEFT_TEST(unguarded_cache)
{
    run_queries(false);
}

WEFT_TEST(rwmutex_cache)
{
    run_queries(true);
}
