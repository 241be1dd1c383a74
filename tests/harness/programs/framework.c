/*
 * A test framework of its own that wraps weft, as a user's would: its own
 * main, its own registry of tests, its own check macro and helpers (their
 * frames hidden, so reports name the tests' lines), calling weft_explore
 * and weft_replay. tests/harness/library.c runs it:
 *     harness_framework explore TEST [ITERATIONS [STRATEGY]]
 *     harness_framework replay TEST 'TEXT'     (TEXT from a "replay:" line)
 * Each prints weft's report, then "verdict: NAME (kind K)".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

/* ---- the framework: a check, a spawn and a lock of its own ---- */

#define CHECK_EQ(a, b) framework_check_equal(__FILE__, __LINE__, a, b)

static void framework_check_equal(const char *file, int line, long a, long b)
{
    weft_assert_at(file, line, a == b, "%ld != %ld", a, b);
}

static void framework_spawn(void (*fn)(void *), void *arg)
{
    weft_go(fn, arg);
}

static void framework_lock(weft_mutex *m)
{
    weft_mutex_lock(m);
}

/* ---- the tests ---- */

static weft_waitgroup done;
static long balance;

static void deposit(void *arg)
{
    (void)arg;
    long seen = balance;
    weft_yield();
    balance = seen + 1;
    weft_waitgroup_done(&done);
}

static void lost_deposit(void)
{
    weft_waitgroup_add(&done, 2);
    framework_spawn(deposit, NULL); /* @spawn_deposit */
    framework_spawn(deposit, NULL);
    weft_waitgroup_wait(&done);
    CHECK_EQ(balance, 2); /* @check */
}

static void receive_one(void *channel)
{
    int value;
    weft_chan_recv(channel, &value); /* @receive */
}

static void forgotten_receiver(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    framework_spawn(receive_one, c); /* @spawn */
}

static weft_mutex alice, bob;

struct transfer {
    weft_mutex *from, *to;
};

static void transfer(void *arg)
{
    struct transfer *t = arg;
    framework_lock(t->from); /* @lock_from */
    framework_lock(t->to);   /* @lock_to */
    weft_mutex_unlock(t->to);
    weft_mutex_unlock(t->from);
    weft_waitgroup_done(&done);
}

static void opposite_transfers(void)
{
    static struct transfer to_bob = {&alice, &bob}, to_alice = {&bob, &alice};
    weft_waitgroup_add(&done, 2);
    framework_spawn(transfer, &to_bob);   /* @go_to_bob */
    framework_spawn(transfer, &to_alice); /* @go_to_alice */
    weft_waitgroup_wait(&done);
}

/* The same inversion, the second transfer started after the first is done:
 * a cycle in the lock order that no schedule closes. */
static void transfers_in_turn(void)
{
    static struct transfer to_bob = {&alice, &bob}, to_alice = {&bob, &alice};
    weft_waitgroup_add(&done, 1);
    framework_spawn(transfer, &to_bob);
    weft_waitgroup_wait(&done);
    weft_waitgroup_add(&done, 1);
    framework_spawn(transfer, &to_alice);
    weft_waitgroup_wait(&done);
}

static void receive_from_nobody(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    int value;
    weft_chan_recv(c, &value);
}

/* Two goroutines add to a total unsynchronised: a data race where the
 * framework is compiled with -fsanitize=thread (harness_framework_race). */
static long total;

static void add_to_total(void *arg)
{
    (void)arg;
    total++; /* @add */
    weft_waitgroup_done(&done);
}

static void racy_total(void)
{
    weft_waitgroup_add(&done, 2);
    framework_spawn(add_to_total, NULL); /* @go_add */
    framework_spawn(add_to_total, NULL);
    weft_waitgroup_wait(&done);
}

static const struct {
    const char *name;
    void (*body)(void);
} tests[] = {
    {"lost_deposit", lost_deposit},
    {"forgotten_receiver", forgotten_receiver},
    {"opposite_transfers", opposite_transfers},
    {"transfers_in_turn", transfers_in_turn},
    {"receive_from_nobody", receive_from_nobody},
    {"racy_total", racy_total},
};

static void (*test_named(const char *name))(void)
{
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++)
        if (strcmp(tests[i].name, name) == 0)
            return tests[i].body;
    return NULL;
}

int main(int argc, char **argv)
{
    void (*body)(void) = argc >= 3 ? test_named(argv[2]) : NULL;
    bool replay = argc == 4 && strcmp(argv[1], "replay") == 0;
    if (!body || (!replay && strcmp(argv[1], "explore") != 0)) {
        fprintf(stderr,
                "usage: %s explore TEST [ITERATIONS [STRATEGY]] | replay "
                "TEST TEXT\n",
                argv[0]);
        return 2;
    }
    weft_hide_function("framework_check_equal");
    weft_hide_function("framework_spawn");
    weft_hide_function("framework_lock");
    struct weft_explore_options options = {
        .test_name = argv[2],
        .iterations = !replay && argc >= 4 ? strtoull(argv[3], NULL, 0) : 0,
        .strategy = !replay && argc == 5 ? argv[4] : NULL,
    };
    struct weft_verdict verdict = replay ? weft_replay(body, argv[3], &options)
                                         : weft_explore(body, &options);
    fprintf(stderr, "verdict: %s (kind %d)\n", weft_verdict_name(verdict.kind),
            (int)verdict.kind);
    return verdict.kind == WEFT_PASS ? 0 : 1;
}
