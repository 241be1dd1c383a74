/*
 * An RWMutex guarding a read-mostly cache, from the notes: many readers
 * look prices up at once under RLock; now and then a writer refreshes the
 * whole table under Lock, and no reader ever sees half a refresh.
 *   read_mostly       readers under RLock, the writer under Lock: clean
 *   recursive_rlock   a reader takes RLock again while holding it (quote()
 *                     calls price_of()); once a writer waits in Lock, new
 *                     RLocks wait behind it, so the reader waits for the
 *                     writer, which waits for the reader: a deadlock the
 *                     harness finds, as Go's RWMutex would
 * Built with -fsanitize=thread (weft_race), run with `weft test`.
 */
#include <weft.h>

enum { ITEMS = 4, READERS = 3, LOOKUPS = 3, REFRESHES = 2 };

static struct {
    weft_rwmutex lock;
    int version;
    int price[ITEMS]; /* version * 100 + item: a torn refresh would show */
} table;

static void refresh(void)
{
    weft_rwmutex_lock(&table.lock);
    table.version++;
    for (int i = 0; i < ITEMS; i++)
        table.price[i] = table.version * 100 + i;
    weft_rwmutex_unlock(&table.lock);
}

static int price_of(int item)
{
    weft_rwmutex_rlock(&table.lock);
    int price = table.price[item];
    weft_rwmutex_runlock(&table.lock);
    return price;
}

/* Checks one item against the version it was priced at, in one snapshot. */
static void check_snapshot(int item)
{
    weft_rwmutex_rlock(&table.lock);
    int version = table.version, price = table.price[item];
    weft_rwmutex_runlock(&table.lock);
    weft_assert(price == version * 100 + item,
                "item %d priced %d at version %d", item, price, version);
}

/* The bug: holds RLock across a call that takes it again. */
static int quote(int item)
{
    weft_rwmutex_rlock(&table.lock);
    int version = table.version;
    int price = price_of(item); /* RLock while holding RLock */
    weft_rwmutex_runlock(&table.lock);
    weft_assert(price == version * 100 + item,
                "item %d priced %d at version %d", item, price, version);
    return price;
}

static bool quoting;
static weft_waitgroup done;

static void read_prices(void *arg)
{
    int first = (int)(long)arg;
    for (int k = 0; k < LOOKUPS; k++) {
        int item = (first + k) % ITEMS;
        if (quoting)
            quote(item);
        else
            check_snapshot(item);
        weft_sleep(WEFT_MILLISECOND);
    }
    weft_waitgroup_done(&done);
}

static void refresh_prices(void *arg)
{
    (void)arg;
    for (int r = 0; r < REFRESHES; r++) {
        weft_sleep(WEFT_MILLISECOND);
        refresh();
    }
    weft_waitgroup_done(&done);
}

static void run(bool recursive, int readers)
{
    quoting = recursive;
    refresh();
    weft_waitgroup_add(&done, readers + 1);
    for (long i = 0; i < readers; i++)
        weft_go(read_prices, (void *)i);
    weft_go(refresh_prices, NULL);
    weft_waitgroup_wait(&done);
    weft_assert(table.version == REFRESHES + 1, "version %d", table.version);
}

WEFT_TEST(read_mostly)
{
    run(false, READERS);
}

WEFT_TEST(recursive_rlock)
{
    run(true, 1); /* one reader is enough */
}
