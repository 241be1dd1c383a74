/* RWMutex: shared readers, exclusive writers, writer preference. */
#include <criterion/criterion.h>
#include <string.h>
#include <weft.h>

#include "child.h"

static weft_rwmutex rw;
static char log_text[32];
static int log_length;

static void note(char c)
{
    log_text[log_length++] = c;
}

static void reader(void *arg)
{
    weft_rwmutex_rlock(&rw);
    note(*(char *)arg);
    weft_yield();
    note(*(char *)arg);
    weft_rwmutex_runlock(&rw);
}

static void writer(void *arg)
{
    weft_rwmutex_lock(&rw);
    note(*(char *)arg);
    weft_yield();
    note(*(char *)arg);
    weft_rwmutex_unlock(&rw);
}

Test(rwmutex, readers_share_the_lock)
{
    weft_go(reader, "a");
    weft_go(reader, "b");
    while (weft_goroutine_count() > 1)
        weft_yield();
    cr_assert_str_eq(log_text, "abab");
}

Test(rwmutex, a_waiting_writer_blocks_new_readers)
{
    weft_rwmutex_rlock(&rw); /* main reads */
    weft_go(writer, "W");    /* waits for main */
    weft_go(reader, "r");    /* arrives after the writer: must wait */
    weft_yield();
    cr_assert_eq(log_length, 0);
    cr_assert_not(weft_rwmutex_tryrlock(&rw));
    weft_rwmutex_runlock(&rw);
    while (weft_goroutine_count() > 1)
        weft_yield();
    cr_assert_str_eq(log_text, "WWrr");
}

Test(rwmutex, unlock_admits_waiting_readers_before_the_next_writer)
{
    weft_rwmutex_lock(&rw);
    weft_go(reader, "a");
    weft_go(writer, "W");
    weft_go(reader, "b");
    weft_yield();
    weft_rwmutex_unlock(&rw);
    while (weft_goroutine_count() > 1)
        weft_yield();
    /* readers that queued behind main's write lock go together, then W */
    cr_assert_str_eq(log_text, "ababWW");
}

Test(rwmutex, trylock_respects_readers_and_writers)
{
    cr_assert(weft_rwmutex_tryrlock(&rw));
    cr_assert_not(weft_rwmutex_trylock(&rw));
    weft_rwmutex_runlock(&rw);
    cr_assert(weft_rwmutex_trylock(&rw));
    cr_assert_not(weft_rwmutex_tryrlock(&rw));
    weft_rwmutex_unlock(&rw);
}

static void double_rlock_behind_writer(void)
{
    weft_rwmutex_rlock(&rw);
    weft_go(writer, "W");
    weft_yield();
    weft_rwmutex_rlock(&rw); /* as in Go: deadlocks behind the writer */
}

Test(rwmutex, recursive_read_lock_deadlocks_behind_a_writer)
{
    struct child_result r;
    child_run(double_rlock_behind_writer, &r);
    cr_assert_eq(r.exit_status, 2);
    cr_assert(strstr(r.output, "goroutine 1 [rwmutex rlock]:\n"
                               "  double_rlock_behind_writer() "),
              "%s", r.output);
    cr_assert(strstr(r.output, "goroutine 2 [rwmutex lock]:\n  writer() "),
              "%s", r.output);
}

static void runlock_unlocked(void)
{
    weft_rwmutex_runlock(&rw);
}

static void unlock_unlocked(void)
{
    weft_rwmutex_unlock(&rw);
}

Test(rwmutex, misuse_panics)
{
    child_expect_start(runlock_unlocked, 2,
                       "panic: sync: RUnlock of unlocked RWMutex\n");
    child_expect_start(unlock_unlocked, 2,
                       "panic: sync: Unlock of unlocked RWMutex\n");
}
