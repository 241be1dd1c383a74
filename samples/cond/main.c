/*
 * sync.Cond, from the notes: a bounded queue shared by producers and
 * consumers. A consumer waits on not_empty while the queue is empty, a
 * producer on not_full while it is full; each Signal wakes one waiter.
 *   wait_in_loop   Wait in a loop that checks the condition again: clean
 *   wait_in_if     Wait under an `if`: between the Signal and the woken
 *                  consumer relocking, another consumer can take the item,
 *                  and the woken one takes from an empty queue — the
 *                  harness finds that schedule
 */
#include <weft.h>

enum { CAPACITY = 2, PRODUCERS = 2, CONSUMERS = 2, ITEMS_EACH = 3 };
enum { ITEMS = PRODUCERS * ITEMS_EACH };

struct queue {
    weft_mutex lock;
    weft_cond not_empty, not_full;
    int items[CAPACITY];
    int head, count;
    bool recheck; /* Wait in a loop (true) or under an if (false) */
};

static void put(struct queue *q, int item)
{
    weft_mutex_lock(&q->lock);
    while (q->count == CAPACITY)
        weft_cond_wait(&q->not_full);
    q->items[(q->head + q->count++) % CAPACITY] = item;
    weft_cond_signal(&q->not_empty);
    weft_mutex_unlock(&q->lock);
}

static int take(struct queue *q)
{
    weft_mutex_lock(&q->lock);
    if (q->recheck) {
        while (q->count == 0)
            weft_cond_wait(&q->not_empty);
    } else if (q->count == 0) {
        weft_cond_wait(&q->not_empty); /* the bug: no second look */
    }
    weft_assert(q->count > 0, "took from an empty queue");
    int item = q->items[q->head];
    q->head = (q->head + 1) % CAPACITY;
    q->count--;
    weft_cond_signal(&q->not_full);
    weft_mutex_unlock(&q->lock);
    return item;
}

struct shop {
    struct queue queue;
    int taken[ITEMS]; /* how often each item was consumed */
    weft_waitgroup working;
};

static struct shop shop;

static void produce(void *arg)
{
    int first = (int)(long)arg * ITEMS_EACH;
    for (int i = first; i < first + ITEMS_EACH; i++)
        put(&shop.queue, i);
    weft_waitgroup_done(&shop.working);
}

static void consume(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS / CONSUMERS; i++)
        shop.taken[take(&shop.queue)]++;
    weft_waitgroup_done(&shop.working);
}

static void run(bool recheck)
{
    shop.queue.recheck = recheck;
    weft_cond_init(&shop.queue.not_empty, &shop.queue.lock);
    weft_cond_init(&shop.queue.not_full, &shop.queue.lock);
    weft_waitgroup_add(&shop.working, PRODUCERS + CONSUMERS);
    for (long i = 0; i < CONSUMERS; i++)
        weft_go(consume, (void *)i);
    for (long i = 0; i < PRODUCERS; i++)
        weft_go(produce, (void *)i);
    weft_waitgroup_wait(&shop.working);
    for (int i = 0; i < ITEMS; i++)
        weft_assert(shop.taken[i] == 1, "item %d taken %d times", i,
                    shop.taken[i]);
}

WEFT_TEST(wait_in_loop)
{
    run(true);
}

WEFT_TEST(wait_in_if)
{
    run(false);
}
