/* Blocking calls off the scheduler: weft_blocking runs its function on a
 * helper thread while other goroutines go on (inline under a seeded
 * strategy), and the file wrappers built on it. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

static void run_fifo(weft_fn scenario, void *arg)
{
    struct weft_config config = {.strategy = weft_strategy_fifo()};
    weft_run(scenario, arg, &config);
}

static void run_seeded(weft_fn scenario, void *arg, uint64_t seed)
{
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, seed);
    struct weft_config config = {.strategy = &random.base};
    weft_run(scenario, arg, &config);
}

static void *thread_id(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)gettid();
}

struct threads {
    pid_t goroutine, call;
};

static void where_it_runs(void *arg)
{
    struct threads *t = arg;
    t->goroutine = gettid();
    t->call = (pid_t)(intptr_t)weft_blocking(thread_id, NULL);
}

Test(blocking, runs_on_a_helper_thread_in_ordinary_runs)
{
    struct threads t = {0};
    run_fifo(where_it_runs, &t);
    cr_assert_neq(t.call, 0);
    cr_assert_neq(t.call, t.goroutine);
}

Test(blocking, runs_on_the_goroutines_thread_under_a_seeded_strategy)
{
    struct threads t = {0};
    run_seeded(where_it_runs, &t, 1);
    cr_assert_eq(t.call, t.goroutine);
}

/* The call blocks its thread in read(2) until a goroutine writes to the
 * pipe: it returns only if goroutines run while it blocks. */
struct rendezvous {
    int fds[2];
    char got;
};

static void *blocking_read(void *arg)
{
    struct rendezvous *r = arg;
    char byte = 0;
    ssize_t n = read(r->fds[0], &byte, 1);
    return (void *)(intptr_t)(n == 1 ? byte : -1);
}

static void write_byte(void *arg)
{
    struct rendezvous *r = arg;
    if (write(r->fds[1], "k", 1) != 1)
        abort();
}

static void others_run_meanwhile(void *arg)
{
    struct rendezvous *r = arg;
    if (pipe(r->fds) != 0)
        abort();
    weft_go(write_byte, r);
    r->got = (char)(intptr_t)weft_blocking(blocking_read, r);
    close(r->fds[0]);
    close(r->fds[1]);
}

Test(blocking, other_goroutines_run_while_a_call_blocks, .timeout = 60)
{
    struct rendezvous r = {0};
    run_fifo(others_run_meanwhile, &r);
    cr_assert_eq(r.got, 'k');
}

enum { CALLERS = 200 };

static void *square(void *arg)
{
    intptr_t n = (intptr_t)arg;
    return (void *)(n * n);
}

struct many {
    intptr_t results[CALLERS];
    weft_waitgroup done;
};

struct caller {
    struct many *many;
    intptr_t n;
};

static void call_square(void *arg)
{
    struct caller *c = arg;
    c->many->results[c->n] = (intptr_t)weft_blocking(square, (void *)c->n);
    weft_waitgroup_done(&c->many->done);
}

static void many_calls(void *arg)
{
    struct many *m = arg;
    static struct caller callers[CALLERS];
    weft_waitgroup_add(&m->done, CALLERS);
    for (intptr_t i = 0; i < CALLERS; i++) {
        callers[i] = (struct caller){m, i};
        weft_go(call_square, &callers[i]);
    }
    weft_waitgroup_wait(&m->done);
}

Test(blocking, many_concurrent_calls_each_get_their_result)
{
    static struct many m;
    run_fifo(many_calls, &m);
    for (intptr_t i = 0; i < CALLERS; i++)
        cr_assert_eq(m.results[i], i * i, "call %ld", (long)i);
}

struct file_round_trip {
    ssize_t written, read, at_end;
    char text[64];
};

static void write_then_read(void *arg)
{
    struct file_round_trip *f = arg;
    char path[] = "/tmp/weft-blocking-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    const char text[] = "written off the scheduler";
    f->written = weft_file_write(fd, text, sizeof text);
    lseek(fd, 0, SEEK_SET);
    f->read = weft_file_read(fd, f->text, sizeof f->text);
    f->at_end = weft_file_read(fd, f->text + 40, 8);
    close(fd);
}

Test(blocking, file_write_and_read_through_helper_threads)
{
    struct file_round_trip f = {0};
    run_fifo(write_then_read, &f);
    cr_assert_eq(f.written, 26);
    cr_assert_eq(f.read, 26);
    cr_assert_eq(f.at_end, 0);
    cr_assert_str_eq(f.text, "written off the scheduler");
}

Test(blocking, file_write_and_read_under_a_seeded_strategy)
{
    struct file_round_trip f = {0};
    run_seeded(write_then_read, &f, 2);
    cr_assert_eq(f.read, 26);
    cr_assert_str_eq(f.text, "written off the scheduler");
}

static void bad_descriptor(void *arg)
{
    ssize_t *result = arg;
    char byte;
    *result = weft_file_read(-1, &byte, 1);
}

Test(blocking, file_errors_are_negative_errno)
{
    ssize_t result = 0;
    run_fifo(bad_descriptor, &result);
    cr_assert_eq(result, -EBADF);
}
