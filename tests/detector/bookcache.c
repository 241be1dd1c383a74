/* The book cache of the concurrency notes (seeds/004): a cache and a
 * database queried concurrently for each book, the database filling the
 * cache. Unguarded, the cache's storage races; with an RWMutex (readers
 * under RLock, the writer under Lock) it is clean in every schedule. */
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "race_test.h"

struct book {
    int id;
    char title[24];
};

enum { CACHE_SLOTS = 16, BOOKS = 4, QUERIES = 6 };

/* the cache: open addressing on the book id, on the heap like Go's map */
static struct book *cache;
static weft_rwmutex cache_lock;
static bool guarded;
static weft_waitgroup done;

static const struct book database[BOOKS] = {
    {1, "The Go Programming"},
    {2, "Concurrency in Go"},
    {3, "Go in Action"},
    {4, "Learning Go"},
};

static bool query_cache(int id, struct book *out)
{
    if (guarded)
        weft_rwmutex_rlock(&cache_lock);
    bool found = false;
    for (int i = id % CACHE_SLOTS; cache[i].id; i = (i + 1) % CACHE_SLOTS) {
        if (cache[i].id == id) {
            *out = cache[i];
            found = true;
            break;
        }
    }
    if (guarded)
        weft_rwmutex_runlock(&cache_lock);
    return found;
}

static bool query_database(int id, struct book *out)
{
    weft_yield(); /* the database is slower */
    for (int i = 0; i < BOOKS; i++) {
        if (database[i].id != id)
            continue;
        *out = database[i];
        if (guarded)
            weft_rwmutex_lock(&cache_lock);
        int slot = id % CACHE_SLOTS;
        while (cache[slot].id && cache[slot].id != id)
            slot = (slot + 1) % CACHE_SLOTS;
        cache[slot] = database[i];
        if (guarded)
            weft_rwmutex_unlock(&cache_lock);
        return true;
    }
    return false;
}

static void cache_worker(void *arg)
{
    struct book b;
    query_cache((int)(intptr_t)arg, &b);
    weft_waitgroup_done(&done);
}

static void database_worker(void *arg)
{
    struct book b;
    query_database((int)(intptr_t)arg, &b);
    weft_waitgroup_done(&done);
}

static void book_queries(void)
{
    cache = calloc(CACHE_SLOTS, sizeof *cache);
    for (int q = 0; q < QUERIES; q++) {
        intptr_t id = q % BOOKS + 1;
        weft_waitgroup_add(&done, 2);
        weft_go(cache_worker, (void *)id);
        weft_go(database_worker, (void *)id);
        weft_waitgroup_wait(&done);
    }
    free(cache);
}

static void unguarded(void *arg)
{
    (void)arg;
    guarded = false;
    book_queries();
}

static void with_rwmutex(void *arg)
{
    (void)arg;
    guarded = true;
    book_queries();
}

Test(bookcache, unguarded_cache_races)
{
    expect_race_always(unguarded);
}

Test(bookcache, rwmutex_cache_is_clean)
{
    expect_no_race(with_rwmutex);
}

static void unguarded_report(void)
{
    weft_run(unguarded, NULL, NULL);
}

Test(bookcache, report_names_the_cache_accesses)
{
    struct child_result r;
    child_run(unguarded_report, &r);
    cr_assert(strstr(r.output, "WARNING: DATA RACE"), "%s", r.output);
    cr_assert(
        strstr(r.output, "  query_database() tests/detector/bookcache.c:"),
        "%s", r.output);
    cr_assert(strstr(r.output, "  query_cache() tests/detector/bookcache.c:"),
              "%s", r.output);
    cr_assert(
        strstr(r.output, "  database_worker() tests/detector/bookcache.c:"),
        "%s", r.output);
}
