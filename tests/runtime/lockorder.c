/* Potential deadlocks: lock-order cycles reported in runs that do not
 * deadlock, and none for orders that cannot. Every scenario runs under
 * FIFO, where each goroutine runs to its end unpreempted. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"
#include "harness_hooks.h"
#include "report_lines.h"

static weft_mutex a, b, c, gate;
static weft_rwmutex rw;
static weft_chan *sem, *handoff;
static weft_waitgroup wg;

static void lock_pair(weft_mutex *first, weft_mutex *second)
{
    weft_mutex_lock(first);
    weft_mutex_lock(second);
    weft_mutex_unlock(second);
    weft_mutex_unlock(first);
}

static void a_then_b(void *arg)
{
    (void)arg;
    lock_pair(&a, &b);
    weft_waitgroup_done(&wg);
}

static void b_then_a(void *arg)
{
    (void)arg;
    lock_pair(&b, &a);
    weft_waitgroup_done(&wg);
}

/* Spawns each body as a goroutine and waits for all of them. */
static void run_goroutines(weft_fn *bodies, size_t count)
{
    runtime_apply_run_settings(&(struct runtime_run_settings){.lock_order = 1});
    weft_waitgroup_add(&wg, (int)count);
    for (size_t i = 0; i < count; i++)
        weft_go(bodies[i], NULL);
    weft_waitgroup_wait(&wg);
    printf("done, %zu cycle(s)\n", runtime_lock_cycles_reported());
}

static void two_lock_inversion(void)
{
    run_goroutines((weft_fn[]){a_then_b, b_then_a}, 2);
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

Test(lockorder, two_lock_inversion_is_reported_although_nothing_deadlocked)
{
    struct child_result r;
    child_run(two_lock_inversion, &r);
    cr_assert_eq(r.exit_status, 0, "%s", r.output);
    const char *lines[] = {
        "==================\n"
        "WARNING: POTENTIAL DEADLOCK (lock-order inversion)\n"
        "Cycle in lock order: mutex#1 (0x",
        ") => mutex#2 (0x",
        ") => mutex#1\n\n"
        "mutex#2 locked while holding mutex#1, by goroutine 2:\n"
        "  lock_pair() tests/runtime/lockorder.c:20\n"
        "  a_then_b() tests/runtime/lockorder.c:28\n"
        "mutex#1 was taken before, by the same goroutine:\n"
        "  lock_pair() tests/runtime/lockorder.c:19\n"
        "  a_then_b() tests/runtime/lockorder.c:28\n\n"
        "mutex#1 locked while holding mutex#2, by goroutine 3:\n"
        "  lock_pair() tests/runtime/lockorder.c:20\n"
        "  b_then_a() tests/runtime/lockorder.c:35\n"
        "mutex#2 was taken before, by the same goroutine:\n"
        "  lock_pair() tests/runtime/lockorder.c:19\n"
        "  b_then_a() tests/runtime/lockorder.c:35\n\n"
        "mutex#1 (0x",
        ") first locked at:\n"
        "  lock_pair() tests/runtime/lockorder.c:19\n"
        "  a_then_b() tests/runtime/lockorder.c:28\n\n"
        "mutex#2 (0x",
        ") first locked at:\n"
        "  lock_pair() tests/runtime/lockorder.c:20\n"
        "  a_then_b() tests/runtime/lockorder.c:28\n\n"
        "Goroutine 2 (finished) created by goroutine 1 at:\n"
        "  run_goroutines() tests/runtime/lockorder.c:45\n"
        "Goroutine 3 (running) created by goroutine 1 at:\n"
        "  run_goroutines() tests/runtime/lockorder.c:45\n"
        "==================\n"
        "done, 1 cycle(s)\n",
    };
    expect_in_order(r.output, lines, sizeof lines / sizeof *lines);
}

static void inversion_twice(void)
{
    run_goroutines((weft_fn[]){a_then_b, b_then_a, a_then_b, b_then_a}, 4);
}

Test(lockorder, each_cycle_is_reported_once)
{
    struct child_result r;
    child_run(inversion_twice, &r);
    cr_assert_eq(occurrences(r.output, "WARNING: POTENTIAL DEADLOCK"), 1, "%s",
                 r.output);
    cr_assert(strstr(r.output, "done, 1 cycle(s)\n"), "%s", r.output);
}

static void b_then_c(void *arg)
{
    (void)arg;
    lock_pair(&b, &c);
    weft_waitgroup_done(&wg);
}

static void c_then_a(void *arg)
{
    (void)arg;
    lock_pair(&c, &a);
    weft_waitgroup_done(&wg);
}

static void three_mutex_cycle(void)
{
    run_goroutines((weft_fn[]){a_then_b, b_then_c, c_then_a}, 3);
}

Test(lockorder, three_mutex_cycle)
{
    struct child_result r;
    child_run(three_mutex_cycle, &r);
    const char *lines[] = {
        "WARNING: POTENTIAL DEADLOCK (lock-order inversion)\n"
        "Cycle in lock order: mutex#1 (0x",
        ") => mutex#2 (0x",
        ") => mutex#3 (0x",
        ") => mutex#1\n\n"
        "mutex#2 locked while holding mutex#1, by goroutine 2:\n",
        "mutex#3 locked while holding mutex#2, by goroutine 3:\n"
        "  lock_pair() tests/runtime/lockorder.c:20\n"
        "  b_then_c() tests/runtime/lockorder.c:",
        "mutex#1 locked while holding mutex#3, by goroutine 4:\n"
        "  lock_pair() tests/runtime/lockorder.c:20\n"
        "  c_then_a() tests/runtime/lockorder.c:",
        "done, 1 cycle(s)\n",
    };
    expect_in_order(r.output, lines, sizeof lines / sizeof *lines);
}

static void consistent_order(void)
{
    run_goroutines((weft_fn[]){a_then_b, a_then_b, a_then_b}, 3);
}

Test(lockorder, consistently_ordered_locks_are_not_reported)
{
    struct child_result r;
    child_run(consistent_order, &r);
    cr_assert_eq(r.exit_status, 0);
    cr_assert_str_eq(r.output, "done, 0 cycle(s)\n");
}

static void gated_a_then_b(void *arg)
{
    weft_mutex_lock(&gate);
    a_then_b(arg);
    weft_mutex_unlock(&gate);
}

static void gated_b_then_a(void *arg)
{
    weft_mutex_lock(&gate);
    b_then_a(arg);
    weft_mutex_unlock(&gate);
}

static void gated_cycle(void)
{
    run_goroutines((weft_fn[]){gated_a_then_b, gated_b_then_a}, 2);
}

Test(lockorder, a_cycle_under_a_common_gate_lock_is_not_reported)
{
    struct child_result r;
    child_run(gated_cycle, &r);
    cr_assert_str_eq(r.output, "done, 0 cycle(s)\n");
}

static void gate_then_ungated(void)
{
    /* the same edges, once without the gate: now it can deadlock */
    run_goroutines((weft_fn[]){gated_a_then_b, gated_b_then_a, b_then_a}, 3);
}

Test(lockorder, a_gate_counts_only_if_every_occurrence_holds_it)
{
    struct child_result r;
    child_run(gate_then_ungated, &r);
    cr_assert(strstr(r.output, "WARNING: POTENTIAL DEADLOCK"), "%s", r.output);
    cr_assert(strstr(r.output, "done, 1 cycle(s)\n"), "%s", r.output);
}

static void both_orders(void *arg)
{
    (void)arg;
    lock_pair(&a, &b);
    lock_pair(&b, &a);
    weft_waitgroup_done(&wg);
}

static void one_goroutine_both_orders(void)
{
    run_goroutines((weft_fn[]){both_orders}, 1);
}

Test(lockorder, one_goroutine_alone_cannot_deadlock_with_itself)
{
    struct child_result r;
    child_run(one_goroutine_both_orders, &r);
    cr_assert_str_eq(r.output, "done, 0 cycle(s)\n");
}

static void trylock_b_holding_a(void *arg)
{
    (void)arg;
    weft_mutex_lock(&a);
    if (weft_mutex_trylock(&b))
        weft_mutex_unlock(&b);
    weft_mutex_unlock(&a);
    weft_waitgroup_done(&wg);
}

static void trylock_never_waits(void)
{
    run_goroutines((weft_fn[]){trylock_b_holding_a, b_then_a}, 2);
}

Test(lockorder, a_trylock_never_waits_so_adds_no_edge)
{
    struct child_result r;
    child_run(trylock_never_waits, &r);
    cr_assert_str_eq(r.output, "done, 0 cycle(s)\n");
}

/* ---- RWMutex ---- */

static void write_rw_then_a(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(&rw);
    weft_mutex_lock(&a);
    weft_mutex_unlock(&a);
    weft_rwmutex_unlock(&rw);
    weft_waitgroup_done(&wg);
}

static void read_rw_then_a(void *arg)
{
    (void)arg;
    weft_rwmutex_rlock(&rw);
    weft_mutex_lock(&a);
    weft_mutex_unlock(&a);
    weft_rwmutex_runlock(&rw);
    weft_waitgroup_done(&wg);
}

static void a_then_read_rw(void *arg)
{
    (void)arg;
    weft_mutex_lock(&a);
    weft_rwmutex_rlock(&rw);
    weft_rwmutex_runlock(&rw);
    weft_mutex_unlock(&a);
    weft_waitgroup_done(&wg);
}

static void write_read_inversion(void)
{
    run_goroutines((weft_fn[]){write_rw_then_a, a_then_read_rw}, 2);
}

Test(lockorder, rwmutex_write_then_read_inversion)
{
    struct child_result r;
    child_run(write_read_inversion, &r);
    const char *lines[] = {
        "Cycle in lock order: rwmutex#1 (0x",
        ") => mutex#2 (0x",
        ") => rwmutex#1\n\n"
        "mutex#2 locked while holding rwmutex#1, by goroutine 2:\n"
        "  write_rw_then_a() tests/runtime/lockorder.c:",
        "rwmutex#1 was taken before, by the same goroutine:\n"
        "  write_rw_then_a() tests/runtime/lockorder.c:",
        "rwmutex#1 read-locked while holding mutex#2, by goroutine 3:\n"
        "  a_then_read_rw() tests/runtime/lockorder.c:",
        "done, 1 cycle(s)\n",
    };
    expect_in_order(r.output, lines, sizeof lines / sizeof *lines);
}

static void readers_only(void)
{
    run_goroutines((weft_fn[]){read_rw_then_a, a_then_read_rw}, 2);
}

Test(lockorder, readers_alone_do_not_block_each_other)
{
    struct child_result r;
    child_run(readers_only, &r);
    cr_assert_str_eq(r.output, "done, 0 cycle(s)\n");
}

static void write_rw(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(&rw);
    weft_rwmutex_unlock(&rw);
    weft_waitgroup_done(&wg);
}

static void readers_and_a_writer(void)
{
    run_goroutines((weft_fn[]){write_rw, read_rw_then_a, a_then_read_rw}, 3);
}

Test(lockorder, read_read_inversion_blocks_behind_a_writer)
{
    struct child_result r;
    child_run(readers_and_a_writer, &r);
    const char *lines[] = {
        "mutex#2 locked while holding rwmutex#1, by goroutine 3:\n",
        "rwmutex#1 was read-locked before, by the same goroutine:\n",
        "rwmutex#1 read-locked while holding mutex#2, by goroutine 4:\n",
        "done, 1 cycle(s)\n",
    };
    expect_in_order(r.output, lines, sizeof lines / sizeof *lines);
}

/* ---- channels as locks ---- */

static void sem_then_a(void *arg)
{
    (void)arg;
    weft_chan_send(sem, &(int){1}); /* acquire */
    weft_mutex_lock(&a);
    weft_mutex_unlock(&a);
    weft_chan_recv(sem, NULL); /* release */
    weft_waitgroup_done(&wg);
}

static void a_then_sem(void *arg)
{
    (void)arg;
    weft_mutex_lock(&a);
    weft_chan_send(sem, &(int){1});
    weft_chan_recv(sem, NULL);
    weft_mutex_unlock(&a);
    weft_waitgroup_done(&wg);
}

static void channel_as_lock(void)
{
    /* before the runtime starts */
    runtime_apply_run_settings(&(struct runtime_run_settings){.lock_order = 1});
    sem = weft_chan_make(sizeof(int), 1);
    run_goroutines((weft_fn[]){sem_then_a, a_then_sem}, 2);
}

Test(lockorder, a_one_slot_channel_used_as_a_lock_counts)
{
    struct child_result r;
    child_run(channel_as_lock, &r);
    const char *lines[] = {
        "Cycle in lock order: ch#1 (0x",
        ") => mutex#2 (0x",
        ") => ch#1\n\n"
        "mutex#2 locked while holding ch#1, by goroutine 2:\n"
        "  sem_then_a() tests/runtime/lockorder.c:",
        "ch#1 acquired (a send on its 1-slot buffer) while holding mutex#2, "
        "by goroutine 3:\n"
        "  a_then_sem() tests/runtime/lockorder.c:",
        "done, 1 cycle(s)\n",
    };
    expect_in_order(r.output, lines, sizeof lines / sizeof *lines);
}

static void a_then_handoff(void *arg)
{
    (void)arg;
    weft_mutex_lock(&a);
    weft_chan_send(handoff, &(int){1});
    weft_mutex_unlock(&a);
    weft_waitgroup_done(&wg);
}

static void handoff_then_a(void *arg)
{
    (void)arg;
    weft_chan_send(handoff, &(int){2});
    weft_mutex_lock(&a);
    weft_mutex_unlock(&a);
    weft_waitgroup_done(&wg);
}

static void channel_handing_over_values(void)
{
    runtime_apply_run_settings(&(struct runtime_run_settings){.lock_order = 1});
    handoff = weft_chan_make(sizeof(int), 1);
    weft_waitgroup_add(&wg, 2);
    weft_go(a_then_handoff, NULL);
    weft_go(handoff_then_a, NULL);
    int value;
    weft_chan_recv(handoff, &value); /* another goroutine takes each value */
    weft_chan_recv(handoff, &value);
    weft_waitgroup_wait(&wg);
    printf("done, %zu cycle(s)\n", runtime_lock_cycles_reported());
}

Test(lockorder, a_one_slot_channel_handing_values_over_is_no_lock)
{
    struct child_result r;
    child_run(channel_handing_over_values, &r);
    cr_assert_str_eq(r.output, "done, 0 cycle(s)\n");
}

/* ---- ordinary programs ---- */

static void with_detect_deadlocks_option(void)
{
    setenv("WEFT_OPTIONS", "detect_deadlocks=1", 1);
    weft_waitgroup_add(&wg, 2);
    weft_go(a_then_b, NULL);
    weft_go(b_then_a, NULL);
    weft_waitgroup_wait(&wg);
    exit(0);
}

Test(lockorder, an_ordinary_program_opts_in_and_exits_with_status_66)
{
    struct child_result r;
    child_run(with_detect_deadlocks_option, &r);
    cr_assert_eq(r.exit_status, 66, "%s", r.output);
    cr_assert(strstr(r.output, "WARNING: POTENTIAL DEADLOCK"), "%s", r.output);
}

static void without_option(void)
{
    weft_waitgroup_add(&wg, 2);
    weft_go(a_then_b, NULL);
    weft_go(b_then_a, NULL);
    weft_waitgroup_wait(&wg);
    exit(0);
}

Test(lockorder, off_by_default_in_ordinary_programs)
{
    struct child_result r;
    child_run(without_option, &r);
    cr_assert_eq(r.exit_status, 0);
    cr_assert_str_eq(r.output, "");
}
