/*
 * Programs with data races, compiled with -fsanitize=thread (weft_race):
 * the harness reports them through the detector, with the schedule's seed.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <weft.h>

/* ---- an unprotected stack: two goroutines push at once ---- */

static struct {
    int items[16];
    int top;
} stack;
static weft_waitgroup done;

static void push_two(void *arg)
{
    for (int i = 0; i < 2; i++) {
        stack.items[stack.top] = (int)(long)arg;
        stack.top++;
    }
    weft_waitgroup_done(&done);
}

WEFT_TEST(unprotected_stack)
{
    weft_waitgroup_add(&done, 2);
    weft_go(push_two, (void *)1);
    weft_go(push_two, (void *)2);
    weft_waitgroup_wait(&done);
    weft_assert(stack.top == 4, "lost a push: top is %d", stack.top);
}

/* ---- the same with an atomic counter: no race ---- */

static atomic_int counter;

static void add_two(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2; i++)
        atomic_fetch_add(&counter, 1);
    weft_waitgroup_done(&done);
}

WEFT_TEST(atomic_counter)
{
    weft_waitgroup_add(&done, 2);
    weft_go(add_two, NULL);
    weft_go(add_two, NULL);
    weft_waitgroup_wait(&done);
    weft_assert(atomic_load(&counter) == 4, "counter is %d",
                atomic_load(&counter));
}

/* ---- a race on the heap: a counter in a block the test allocates ---- */

struct tally {
    long seen;
};

static void count_one(void *arg)
{
    struct tally *t = arg;
    t->seen++;
    weft_waitgroup_done(&done);
}

WEFT_TEST(heap_counter)
{
    char *padding = malloc(24); /* the block is not the first */
    struct tally *t = calloc(1, sizeof *t);
    weft_waitgroup_add(&done, 2);
    weft_go(count_one, t);
    weft_go(count_one, t);
    weft_waitgroup_wait(&done);
    free(t);
    free(padding);
}

/* ---- a race in some schedules only: the reader reads the data only
 * when it finds it published, and the writer writes it after
 * publishing, outside the lock ---- */

static weft_mutex gate;
static int published, data;

static void publish_then_write(void *arg)
{
    (void)arg;
    weft_mutex_lock(&gate);
    published = 1;
    weft_mutex_unlock(&gate);
    data = 42;
    weft_waitgroup_done(&done);
}

static void read_if_published(void *arg)
{
    (void)arg;
    weft_mutex_lock(&gate);
    int seen = published;
    weft_mutex_unlock(&gate);
    if (seen && data != 42)
        weft_yield();
    weft_waitgroup_done(&done);
}

WEFT_TEST(sometimes_racy)
{
    weft_waitgroup_add(&done, 2);
    weft_go(publish_then_write, NULL);
    weft_go(read_if_published, NULL);
    weft_waitgroup_wait(&done);
}
