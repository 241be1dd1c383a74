/*
 * The book cache from the concurrency notes: for each book, a goroutine
 * asks the cache and, on a miss, the database, which fills the cache. The
 * cache is shared by every query.
 *   unguarded_cache      the cache's storage is read and written with no
 *                        synchronisation: a data race
 *   mutex_cache          every access under one Mutex: clean
 *   rwmutex_cache        readers under RLock, the database's write under
 *                        Lock: clean in every schedule
 *   first_answer         cache and database asked at once, each answering
 *                        on its own channel; a select takes the first answer
 *                        and throws the second away
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
    {1, "The Go Programming Language"},
    {2, "Concurrency in Go"},
    {3, "Go in Action"},
    {4, "Learning Go"},
};

enum guard { UNGUARDED, MUTEX, RWMUTEX };

static struct {
    struct book slots[SLOTS];
    enum guard guard;
    weft_mutex mutex;
    weft_rwmutex rwmutex;
} cache;

static void lock_for_reading(void)
{
    if (cache.guard == MUTEX)
        weft_mutex_lock(&cache.mutex);
    else if (cache.guard == RWMUTEX)
        weft_rwmutex_rlock(&cache.rwmutex);
}

static void unlock_for_reading(void)
{
    if (cache.guard == MUTEX)
        weft_mutex_unlock(&cache.mutex);
    else if (cache.guard == RWMUTEX)
        weft_rwmutex_runlock(&cache.rwmutex);
}

static void lock_for_writing(void)
{
    if (cache.guard == MUTEX)
        weft_mutex_lock(&cache.mutex);
    else if (cache.guard == RWMUTEX)
        weft_rwmutex_lock(&cache.rwmutex);
}

static void unlock_for_writing(void)
{
    if (cache.guard == MUTEX)
        weft_mutex_unlock(&cache.mutex);
    else if (cache.guard == RWMUTEX)
        weft_rwmutex_unlock(&cache.rwmutex);
}

/* noinline: so each shows as its own frame in the race report */
__attribute__((noinline)) static bool query_cache(int id, struct book *out)
{
    lock_for_reading();
    struct book slot = cache.slots[id % SLOTS];
    unlock_for_reading();
    *out = slot;
    return slot.id == id;
}

__attribute__((noinline)) static struct book query_database(int id)
{
    weft_sleep(10 * WEFT_MILLISECOND); /* the database is slow */
    struct book book = database[id - 1];
    lock_for_writing();
    cache.slots[id % SLOTS] = book;
    unlock_for_writing();
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

static void run_queries(enum guard guard)
{
    cache.guard = guard;
    weft_waitgroup_add(&done, QUERIES);
    for (long i = 0; i < QUERIES; i++)
        weft_go(look_up, (void *)(i % 2 + 1)); /* books 1 and 2, twice */
    weft_waitgroup_wait(&done);
}

WEFT_TEST(unguarded_cache)
{
    run_queries(UNGUARDED);
}

WEFT_TEST(mutex_cache)
{
    run_queries(MUTEX);
}

WEFT_TEST(rwmutex_cache)
{
    run_queries(RWMUTEX);
}

/* ---- first answer wins: share memory by communicating ---- */

WEFT_CHAN_TYPE(book_chan, struct book)

enum source { NO_ANSWER, FROM_CACHE, FROM_DATABASE };

struct query {
    int id;
    book_chan *from_cache, *from_database; /* unbuffered, as in the notes */
    enum source source;
    struct book book;
};

static void ask_cache(void *arg)
{
    struct query *q = arg;
    struct book book;
    if (query_cache(q->id, &book)) /* a miss sends nothing */
        book_chan_send(q->from_cache, book);
    weft_waitgroup_done(&done);
}

static void ask_database(void *arg)
{
    struct query *q = arg;
    book_chan_send(q->from_database, query_database(q->id));
    weft_waitgroup_done(&done);
}

/* Takes whichever answer comes first. The database always answers, so after
 * a cache hit its late answer must still be received, or it blocks forever. */
static void receive_first(void *arg)
{
    struct query *q = arg;
    struct book book;
    struct weft_case cases[] = {
        WEFT_RECV_CASE(book_chan_chan(q->from_cache), &book),
        WEFT_RECV_CASE(book_chan_chan(q->from_database), &book),
    };
    if (weft_select(cases, 2) == 0) {
        q->source = FROM_CACHE;
        book_chan_recv(q->from_database); /* throw the second answer away */
    } else {
        q->source = FROM_DATABASE;
    }
    q->book = book;
    weft_waitgroup_done(&done);
}

WEFT_TEST(first_answer)
{
    cache.guard = RWMUTEX;
    struct query queries[QUERIES];
    for (int i = 0; i < QUERIES; i++) {
        queries[i] = (struct query){.id = i % 2 + 1,
                                    .from_cache = book_chan_make(0),
                                    .from_database = book_chan_make(0)};
        weft_waitgroup_add(&done, 3);
        weft_go(ask_cache, &queries[i]);
        weft_go(ask_database, &queries[i]);
        weft_go(receive_first, &queries[i]);
        /* later queries come after the database has filled the cache */
        weft_sleep(15 * WEFT_MILLISECOND);
    }
    weft_waitgroup_wait(&done);
    for (int i = 0; i < QUERIES; i++) {
        struct query *q = &queries[i];
        weft_assert(q->book.id == q->id, "asked for book %d, got %d", q->id,
                    q->book.id);
        enum source want = i < 2 ? FROM_DATABASE : FROM_CACHE;
        weft_assert(q->source == want, "query %d answered from %s", i,
                    q->source == FROM_CACHE ? "the cache" : "the database");
        book_chan_free(q->from_cache);
        book_chan_free(q->from_database);
    }
}
