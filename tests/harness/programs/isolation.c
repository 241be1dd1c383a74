/*
 * Tests that would pass only in a fresh process each time, for the
 * schedule server (harness/schedule_server.c): each checks that the state
 * its last schedule left is gone, or changes what memory does not hold.
 * A test binary of WEFT_TESTs (linked with weft_main).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

static weft_mutex mutex;
static weft_waitgroup done;
static int counter;

static void count_five(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        weft_mutex_lock(&mutex);
        counter++;
        weft_mutex_unlock(&mutex);
    }
    weft_waitgroup_done(&done);
}

/* A global counter: 10 at the end of every schedule, from 0. */
WEFT_TEST(global_counter)
{
    weft_assert(counter == 0, "counter starts at %d", counter);
    weft_waitgroup_add(&done, 2);
    weft_go(count_five, NULL);
    weft_go(count_five, NULL);
    weft_waitgroup_wait(&done);
    weft_assert(counter == 10, "counter %d", counter);
}

static char *kept;

/* Leaks 4 MiB a schedule (past the heap's classes: a large block), and
 * finds the pointer it kept last time gone. */
WEFT_TEST(leaks_heap)
{
    weft_assert(kept == NULL, "the last schedule's block is still kept");
    kept = malloc(4 << 20);
    memset(kept, 1, 4 << 20);
    weft_waitgroup_add(&done, 1);
    weft_go(count_five, NULL);
    weft_waitgroup_wait(&done);
}

/* Opens a descriptor and keeps it: the next schedule needs a fresh fork. */
WEFT_TEST(opens_a_file)
{
    static int opened = -1;
    weft_assert(opened == -1, "the last schedule's descriptor is kept");
    opened = open("/dev/null", O_RDONLY);
    weft_assert(opened >= 0, "open /dev/null");
}

static int order[3], arrived;

static void arrive(void *arg)
{
    weft_mutex_lock(&mutex);
    order[arrived++] = (int)(long)arg;
    weft_mutex_unlock(&mutex);
    weft_waitgroup_done(&done);
}

/* Crashes in the schedules where the goroutines arrive in the order 2, 1,
 * 0 (about one in six or seven): a crash is a verdict and the schedules
 * after it still run, in a fresh server. */
WEFT_TEST(crashes_in_some_schedules)
{
    weft_waitgroup_add(&done, 3);
    for (long i = 0; i < 3; i++)
        weft_go(arrive, (void *)i);
    weft_waitgroup_wait(&done);
    if (order[0] == 2 && order[1] == 1) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
}
