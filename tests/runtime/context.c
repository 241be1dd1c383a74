/* context: cancellation trees, deadlines under virtual time, values, and the
 * request-handler pattern of spawning workers that stop on done. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"
#include "runtime.h" /* timers_pending(): a stopped deadline left the heap */

enum { SEEDS = 32 };

static void run_seeded(weft_fn scenario, void *arg, uint64_t seed)
{
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = &random.base};
    weft_run(scenario, arg, &config);
}

/* Whether ctx's done channel is closed, without blocking. */
static bool is_done(weft_context *ctx)
{
    weft_chan *done = weft_context_done(ctx);
    if (!done)
        return false;
    struct weft_case recv = WEFT_RECV_CASE(done, NULL);
    return weft_select_default(&recv, 1) == 0 && !recv.ok;
}

static const char user_key = 'u', trace_key = 't', missing_key = 'm';

/* ---- background ---- */

Test(context, background_is_never_done)
{
    weft_context *bg = weft_context_background();
    int64_t deadline = 42;
    cr_assert_eq(weft_context_background(), bg);
    cr_assert_null(weft_context_done(bg));
    cr_assert_eq(weft_context_err(bg), WEFT_CONTEXT_OK);
    cr_assert_null(weft_context_err_string(WEFT_CONTEXT_OK));
    cr_assert_not(weft_context_deadline(bg, &deadline));
    cr_assert_eq(deadline, 42);
    cr_assert_null(weft_context_value(bg, &user_key));
    weft_context_cancel(bg);
    weft_context_free(bg);
    cr_assert_eq(weft_context_err(bg), WEFT_CONTEXT_OK);
}

Test(context, value_context_of_background_is_never_done)
{
    weft_context *ctx =
        weft_context_with_value(weft_context_background(), &user_key, "x");
    cr_assert_null(weft_context_done(ctx));
    weft_context_cancel(ctx);
    cr_assert_eq(weft_context_err(ctx), WEFT_CONTEXT_OK);
    weft_context_free(ctx);
}

/* ---- with_cancel ---- */

struct waiting {
    weft_context *ctx;
    weft_waitgroup done;
    bool ok;
    enum weft_context_err err_seen, err_after;
    bool done_before_cancel;
};

static void wait_for_done(void *arg)
{
    struct waiting *w = arg;
    w->ok = weft_chan_recv_ok(weft_context_done(w->ctx), NULL);
    w->err_seen = weft_context_err(w->ctx);
    weft_waitgroup_done(&w->done);
}

static void cancel_wakes_waiter(void *arg)
{
    struct waiting *w = arg;
    w->ctx = weft_context_with_cancel(weft_context_background());
    w->ok = true;
    weft_waitgroup_add(&w->done, 1);
    weft_go(wait_for_done, w);
    weft_yield();
    w->done_before_cancel = is_done(w->ctx);
    weft_context_cancel(w->ctx);
    weft_waitgroup_wait(&w->done);
    w->err_after = weft_context_err(w->ctx);
    weft_context_free(w->ctx);
}

Test(context, cancel_closes_done_and_sets_canceled)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct waiting w = {0};
        run_seeded(cancel_wakes_waiter, &w, seed);
        cr_assert_not(w.done_before_cancel, "seed %llu",
                      (unsigned long long)seed);
        cr_assert_not(w.ok, "receive on done got a value");
        cr_assert_eq(w.err_seen, WEFT_CONTEXT_CANCELED);
        cr_assert_eq(w.err_after, WEFT_CONTEXT_CANCELED);
        cr_assert_str_eq(weft_context_err_string(w.err_after),
                         "context canceled");
    }
}

Test(context, cancel_twice_keeps_the_first_error)
{
    weft_context *ctx = weft_context_with_cancel(weft_context_background());
    cr_assert_not_null(weft_context_done(ctx));
    cr_assert_eq(weft_context_err(ctx), WEFT_CONTEXT_OK);
    cr_assert_not(is_done(ctx));
    weft_context_cancel(ctx);
    weft_context_cancel(ctx);
    cr_assert(is_done(ctx));
    cr_assert_eq(weft_context_err(ctx), WEFT_CONTEXT_CANCELED);
    weft_context_free(ctx);
}

Test(context, cancelling_a_parent_cancels_every_descendant)
{
    weft_context *parent = weft_context_with_cancel(weft_context_background());
    weft_context *valued = weft_context_with_value(parent, &user_key, "u");
    weft_context *child = weft_context_with_cancel(valued);
    weft_context *grandchild = weft_context_with_cancel(child);
    weft_context *sibling = weft_context_with_cancel(parent);
    cr_assert_eq(weft_context_done(valued), weft_context_done(parent));

    weft_context_cancel(parent);
    weft_context *all[] = {parent, valued, child, grandchild, sibling};
    for (size_t i = 0; i < 5; i++) {
        cr_assert(is_done(all[i]), "context %zu not done", i);
        cr_assert_eq(weft_context_err(all[i]), WEFT_CONTEXT_CANCELED,
                     "context %zu", i);
    }
    for (size_t i = 5; i-- > 0;)
        weft_context_free(all[i]);
}

Test(context, cancelling_a_child_leaves_its_parent_and_siblings_alive)
{
    weft_context *parent = weft_context_with_cancel(weft_context_background());
    weft_context *valued = weft_context_with_value(parent, &user_key, "u");
    weft_context *child = weft_context_with_cancel(valued);
    weft_context *grandchild = weft_context_with_cancel(child);
    weft_context *sibling = weft_context_with_cancel(parent);

    weft_context_cancel(child);
    cr_assert_eq(weft_context_err(child), WEFT_CONTEXT_CANCELED);
    cr_assert_eq(weft_context_err(grandchild), WEFT_CONTEXT_CANCELED);
    cr_assert(is_done(grandchild));
    cr_assert_eq(weft_context_err(parent), WEFT_CONTEXT_OK);
    cr_assert_eq(weft_context_err(valued), WEFT_CONTEXT_OK);
    cr_assert_eq(weft_context_err(sibling), WEFT_CONTEXT_OK);
    cr_assert_not(is_done(parent));
    cr_assert_not(is_done(sibling));

    /* the cancelled child left the tree: the parent still cancels the rest */
    weft_context_cancel(parent);
    cr_assert_eq(weft_context_err(sibling), WEFT_CONTEXT_CANCELED);
    cr_assert_eq(weft_context_err(child), WEFT_CONTEXT_CANCELED);
    weft_context_free(grandchild);
    weft_context_free(child);
    weft_context_free(sibling);
    weft_context_free(valued);
    weft_context_free(parent);
}

Test(context, child_of_a_cancelled_parent_is_born_cancelled)
{
    weft_context *parent = weft_context_with_cancel(weft_context_background());
    weft_context_cancel(parent);
    weft_context *valued = weft_context_with_value(parent, &user_key, "u");
    weft_context *child = weft_context_with_cancel(valued);
    weft_context *timed = weft_context_with_timeout(parent, WEFT_HOUR);
    cr_assert(is_done(child));
    cr_assert_eq(weft_context_err(child), WEFT_CONTEXT_CANCELED);
    cr_assert(is_done(timed));
    cr_assert_eq(weft_context_err(timed), WEFT_CONTEXT_CANCELED);
    weft_context_free(timed);
    weft_context_free(child);
    weft_context_free(valued);
    weft_context_free(parent);
}

struct freeing {
    struct waiting wait;
    weft_context *child;
    enum weft_context_err child_err;
};

static void free_cancels(void *arg)
{
    struct freeing *f = arg;
    struct waiting *w = &f->wait;
    w->ctx = weft_context_with_cancel(weft_context_background());
    f->child = weft_context_with_cancel(w->ctx);
    w->ok = true;
    weft_waitgroup_add(&w->done, 1);
    weft_go(wait_for_done, w);
    weft_yield();
    weft_context_free(w->ctx); /* the child still holds it */
    weft_waitgroup_wait(&w->done);
    f->child_err = weft_context_err(f->child);
    weft_context_free(f->child);
    weft_context_free(NULL);
}

Test(context, free_cancels_the_context_and_its_children)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct freeing f = {0};
        run_seeded(free_cancels, &f, seed);
        cr_assert_not(f.wait.ok, "seed %llu", (unsigned long long)seed);
        cr_assert_eq(f.wait.err_seen, WEFT_CONTEXT_CANCELED);
        cr_assert_eq(f.child_err, WEFT_CONTEXT_CANCELED);
    }
}

static void with_nil_parent(void)
{
    weft_context_with_cancel(NULL);
}

Test(context, with_cancel_of_nil_parent_panics)
{
    child_expect_start(with_nil_parent, 2,
                       "panic: cannot create context from nil parent");
}

/* ---- deadlines, under virtual time ---- */

struct timeout_race {
    weft_waitgroup done;
    weft_context *ctx;
    int index;
    enum weft_context_err err;
    int64_t now, deadline;
    bool has_deadline;
};

static void race_done_against_after(void *arg)
{
    struct timeout_race *r = arg;
    weft_chan *late = weft_after(WEFT_SECOND);
    struct weft_case cases[] = {
        WEFT_RECV_CASE(late, NULL),
        WEFT_RECV_CASE(weft_context_done(r->ctx), NULL)};
    r->index = weft_select(cases, 2);
    r->err = weft_context_err(r->ctx);
    r->now = weft_now();
    weft_chan_free(late);
    weft_waitgroup_done(&r->done);
}

static void timeout_fires_first(void *arg)
{
    struct timeout_race *r = arg;
    r->ctx = weft_context_with_timeout(weft_context_background(),
                                       50 * WEFT_MILLISECOND);
    r->has_deadline = weft_context_deadline(r->ctx, &r->deadline);
    weft_waitgroup_add(&r->done, 1);
    weft_go(race_done_against_after, r);
    weft_waitgroup_wait(&r->done);
    weft_context_cancel(r->ctx); /* too late: the deadline's error stays */
    r->err = weft_context_err(r->ctx);
    weft_context_free(r->ctx);
}

Test(context, timeout_closes_done_at_its_deadline)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct timeout_race r = {0};
        run_seeded(timeout_fires_first, &r, seed);
        cr_assert(r.has_deadline);
        cr_assert_eq(r.deadline, 50 * WEFT_MILLISECOND);
        cr_assert_eq(r.index, 1, "seed %llu", (unsigned long long)seed);
        cr_assert_eq(r.now, 50 * WEFT_MILLISECOND);
        cr_assert_eq(r.err, WEFT_CONTEXT_DEADLINE_EXCEEDED);
        cr_assert_str_eq(weft_context_err_string(r.err),
                         "context deadline exceeded");
    }
}

struct nested_deadlines {
    int64_t deadline[4];
    bool has[4];
    enum weft_context_err at_60ms[3], at_110ms[3];
};

static void nest_deadlines(void *arg)
{
    struct nested_deadlines *r = arg;
    int64_t ms = WEFT_MILLISECOND;
    weft_context *parent =
        weft_context_with_timeout(weft_context_background(), 100 * ms);
    weft_context *later = weft_context_with_deadline(parent, 200 * ms);
    weft_context *sooner = weft_context_with_deadline(parent, 50 * ms);
    weft_context *valued = weft_context_with_value(sooner, &user_key, "u");
    weft_context *all[] = {parent, later, sooner, valued};
    for (int i = 0; i < 4; i++)
        r->has[i] = weft_context_deadline(all[i], &r->deadline[i]);
    weft_sleep(60 * ms);
    for (int i = 0; i < 3; i++)
        r->at_60ms[i] = weft_context_err(all[i]);
    weft_sleep(50 * ms);
    for (int i = 0; i < 3; i++)
        r->at_110ms[i] = weft_context_err(all[i]);
    for (int i = 4; i-- > 0;)
        weft_context_free(all[i]);
}

Test(context, child_deadline_is_the_earlier_of_its_own_and_its_parents)
{
    struct nested_deadlines r = {0};
    run_seeded(nest_deadlines, &r, 1);
    int64_t ms = WEFT_MILLISECOND;
    int64_t expected[] = {100 * ms, 100 * ms, 50 * ms, 50 * ms};
    for (int i = 0; i < 4; i++) {
        cr_assert(r.has[i], "context %d has no deadline", i);
        cr_assert_eq(r.deadline[i], expected[i], "context %d", i);
    }
    /* 60ms: only sooner has expired */
    cr_assert_eq(r.at_60ms[0], WEFT_CONTEXT_OK);
    cr_assert_eq(r.at_60ms[1], WEFT_CONTEXT_OK);
    cr_assert_eq(r.at_60ms[2], WEFT_CONTEXT_DEADLINE_EXCEEDED);
    /* 110ms: the parent's deadline also ended the later child */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(r.at_110ms[i], WEFT_CONTEXT_DEADLINE_EXCEEDED,
                     "context %d", i);
}

static void deadline_in_the_past(void *arg)
{
    enum weft_context_err *err = arg;
    weft_sleep(WEFT_SECOND);
    weft_context *ctx =
        weft_context_with_deadline(weft_context_background(), WEFT_SECOND);
    err[0] = weft_context_err(ctx);
    err[1] = is_done(ctx) ? WEFT_CONTEXT_DEADLINE_EXCEEDED : WEFT_CONTEXT_OK;
    weft_context_free(ctx);
}

Test(context, deadline_already_passed_is_born_expired)
{
    enum weft_context_err err[2] = {0};
    run_seeded(deadline_in_the_past, err, 2);
    cr_assert_eq(err[0], WEFT_CONTEXT_DEADLINE_EXCEEDED);
    cr_assert_eq(err[1], WEFT_CONTEXT_DEADLINE_EXCEEDED);
}

Test(context, cancel_without_deadline_reports_none)
{
    weft_context *ctx = weft_context_with_cancel(weft_context_background());
    int64_t deadline = -7;
    cr_assert_not(weft_context_deadline(ctx, &deadline));
    cr_assert_eq(deadline, -7);
    weft_context_free(ctx);
}

struct early_cancel {
    bool pending_after_cancel, pending_after_free;
    enum weft_context_err err;
    int64_t now;
};

static void cancel_before_deadline(void *arg)
{
    struct early_cancel *r = arg;
    weft_context *ctx =
        weft_context_with_timeout(weft_context_background(), WEFT_HOUR);
    weft_context_cancel(ctx);
    r->pending_after_cancel = timers_pending();
    weft_sleep(2 * WEFT_HOUR);
    r->err = weft_context_err(ctx);
    r->now = weft_now();
    weft_context_free(ctx);
    ctx = weft_context_with_timeout(weft_context_background(), WEFT_HOUR);
    weft_context_free(ctx);
    r->pending_after_free = timers_pending();
}

Test(context, cancel_or_free_before_the_deadline_stops_its_timer)
{
    struct early_cancel r = {0};
    run_seeded(cancel_before_deadline, &r, 3);
    cr_assert_not(r.pending_after_cancel);
    cr_assert_not(r.pending_after_free);
    cr_assert_eq(r.err, WEFT_CONTEXT_CANCELED);
    cr_assert_eq(r.now, 2 * WEFT_HOUR);
}

/* ---- values ---- */

Test(context, values_are_found_up_the_chain_and_shadowed_by_nearer_keys)
{
    char alice[] = "alice", bob[] = "bob", span[] = "span-1";
    weft_context *bg = weft_context_background();
    weft_context *user = weft_context_with_value(bg, &user_key, alice);
    weft_context *cancel = weft_context_with_cancel(user);
    weft_context *traced = weft_context_with_value(cancel, &trace_key, span);
    weft_context *shadow = weft_context_with_value(traced, &user_key, bob);

    cr_assert_eq(weft_context_value(shadow, &user_key), bob);
    cr_assert_eq(weft_context_value(shadow, &trace_key), span);
    cr_assert_eq(weft_context_value(traced, &user_key), alice);
    cr_assert_eq(weft_context_value(cancel, &user_key), alice);
    cr_assert_null(weft_context_value(cancel, &trace_key));
    cr_assert_null(weft_context_value(shadow, &missing_key));
    cr_assert_null(weft_context_value(bg, &user_key));

    /* keys compare by pointer, not by content */
    static const char other_user_key = 'u';
    cr_assert_null(weft_context_value(shadow, &other_user_key));

    /* values outlive cancellation */
    weft_context_cancel(cancel);
    cr_assert_eq(weft_context_err(shadow), WEFT_CONTEXT_CANCELED);
    cr_assert_eq(weft_context_value(shadow, &user_key), bob);
    cr_assert_eq(weft_context_value(shadow, &trace_key), span);

    weft_context_free(shadow);
    weft_context_free(traced);
    weft_context_free(cancel);
    weft_context_free(user);
}

Test(context, value_can_be_null_and_still_shadows)
{
    char outer[] = "outer";
    weft_context *ctx =
        weft_context_with_value(weft_context_background(), &user_key, outer);
    weft_context *inner = weft_context_with_value(ctx, &user_key, NULL);
    cr_assert_null(weft_context_value(inner, &user_key));
    cr_assert_eq(weft_context_value(ctx, &user_key), outer);
    weft_context_free(inner);
    weft_context_free(ctx);
}

/* ---- the request handler ---- */

enum { WORKERS = 3 };

struct handler {
    weft_context *ctx;
    weft_waitgroup workers;
    int work[WORKERS];
    int next_worker;
    int64_t returned_at;
    enum weft_context_err err;
};

static void worker(void *arg)
{
    struct handler *h = arg;
    int id = h->next_worker++;
    for (;;) {
        weft_chan *tick = weft_after(10 * WEFT_MILLISECOND);
        struct weft_case cases[] = {
            WEFT_RECV_CASE(weft_context_done(h->ctx), NULL),
            WEFT_RECV_CASE(tick, NULL)};
        int index = weft_select(cases, 2);
        weft_chan_free(tick);
        if (index == 0)
            break;
        h->work[id]++;
    }
    weft_waitgroup_done(&h->workers);
}

static void spawn_workers(struct handler *h)
{
    weft_waitgroup_add(&h->workers, WORKERS);
    for (int i = 0; i < WORKERS; i++)
        weft_go(worker, h);
}

static void handle_then_cancel(void *arg)
{
    struct handler *h = arg;
    h->ctx = weft_context_with_cancel(weft_context_background());
    spawn_workers(h);
    weft_sleep(35 * WEFT_MILLISECOND);
    weft_context_cancel(h->ctx);
    weft_waitgroup_wait(&h->workers);
    h->returned_at = weft_now();
    h->err = weft_context_err(h->ctx);
    weft_context_free(h->ctx);
}

static void handle_until_timeout(void *arg)
{
    struct handler *h = arg;
    h->ctx = weft_context_with_timeout(weft_context_background(),
                                       35 * WEFT_MILLISECOND);
    spawn_workers(h);
    weft_waitgroup_wait(&h->workers);
    h->returned_at = weft_now();
    h->err = weft_context_err(h->ctx);
    weft_context_free(h->ctx);
}

static void check_handler(weft_fn handle, enum weft_context_err err)
{
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct handler h = {0};
        run_seeded(handle, &h, seed);
        for (int i = 0; i < WORKERS; i++)
            cr_assert_eq(h.work[i], 3, "seed %llu worker %d did %d",
                         (unsigned long long)seed, i, h.work[i]);
        cr_assert_eq(h.returned_at, 35 * WEFT_MILLISECOND, "seed %llu",
                     (unsigned long long)seed);
        cr_assert_eq(h.err, err);
    }
}

Test(context, cancel_stops_every_worker_of_a_handler)
{
    check_handler(handle_then_cancel, WEFT_CONTEXT_CANCELED);
}

Test(context, timeout_stops_every_worker_of_a_handler)
{
    check_handler(handle_until_timeout, WEFT_CONTEXT_DEADLINE_EXCEEDED);
}
