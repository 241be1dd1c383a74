/* A NULL where a weft object or a function belongs: a Go-style panic that
 * names the call, status 2, even as the program's first weft call (they
 * died by SIGSEGV or in a crash traceback). Each in a child process. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <weft.h>

#include "child.h"

#define NIL_CALL(name, call)                                                   \
    static void name(void)                                                     \
    {                                                                          \
        call;                                                                  \
    }

NIL_CALL(mutex_lock, weft_mutex_lock(NULL))
NIL_CALL(mutex_unlock, weft_mutex_unlock(NULL))
NIL_CALL(mutex_trylock, weft_mutex_trylock(NULL))
NIL_CALL(rwmutex_rlock, weft_rwmutex_rlock(NULL))
NIL_CALL(rwmutex_runlock, weft_rwmutex_runlock(NULL))
NIL_CALL(rwmutex_lock, weft_rwmutex_lock(NULL))
NIL_CALL(rwmutex_unlock, weft_rwmutex_unlock(NULL))
NIL_CALL(rwmutex_trylock, weft_rwmutex_trylock(NULL))
NIL_CALL(rwmutex_tryrlock, weft_rwmutex_tryrlock(NULL))
NIL_CALL(waitgroup_add, weft_waitgroup_add(NULL, 1))
NIL_CALL(waitgroup_done, weft_waitgroup_done(NULL))
NIL_CALL(waitgroup_wait, weft_waitgroup_wait(NULL))
NIL_CALL(cond_init, weft_cond_init(NULL, NULL))
NIL_CALL(cond_wait, weft_cond_wait(NULL))
NIL_CALL(cond_signal, weft_cond_signal(NULL))
NIL_CALL(cond_broadcast, weft_cond_broadcast(NULL))
NIL_CALL(once_do, weft_once_do(NULL, NULL, NULL))
NIL_CALL(timer_chan, weft_timer_chan(NULL))
NIL_CALL(timer_stop, weft_timer_stop(NULL))
NIL_CALL(timer_reset, weft_timer_reset(NULL, 1))
NIL_CALL(context_cancel, weft_context_cancel(NULL))
NIL_CALL(context_done, weft_context_done(NULL))
NIL_CALL(context_err, weft_context_err(NULL))
NIL_CALL(context_deadline, weft_context_deadline(NULL, NULL))
NIL_CALL(context_value, weft_context_value(NULL, NULL))
NIL_CALL(context_with_cancel, weft_context_with_cancel(NULL))
NIL_CALL(context_with_timeout, weft_context_with_timeout(NULL, 1))
NIL_CALL(context_with_value, weft_context_with_value(NULL, NULL, NULL))
NIL_CALL(accept, weft_accept(NULL, NULL))
NIL_CALL(listener_close, weft_listener_close(NULL))
NIL_CALL(conn_read, weft_conn_read(NULL, NULL, 0))
NIL_CALL(conn_write, weft_conn_write(NULL, NULL, 0))
NIL_CALL(conn_close, weft_conn_close(NULL))
NIL_CALL(blocking, weft_blocking(NULL, NULL))
NIL_CALL(go, weft_go(NULL, NULL))

static const struct {
    void (*scenario)(void);
    const char *panic; /* the first line */
} cases[] = {
    {mutex_lock, "weft_mutex_lock: nil mutex"},
    {mutex_unlock, "weft_mutex_unlock: nil mutex"},
    {mutex_trylock, "weft_mutex_trylock: nil mutex"},
    {rwmutex_rlock, "weft_rwmutex_rlock: nil rwmutex"},
    {rwmutex_runlock, "weft_rwmutex_runlock: nil rwmutex"},
    {rwmutex_lock, "weft_rwmutex_lock: nil rwmutex"},
    {rwmutex_unlock, "weft_rwmutex_unlock: nil rwmutex"},
    {rwmutex_trylock, "weft_rwmutex_trylock: nil rwmutex"},
    {rwmutex_tryrlock, "weft_rwmutex_tryrlock: nil rwmutex"},
    {waitgroup_add, "weft_waitgroup_add: nil waitgroup"},
    {waitgroup_done, "weft_waitgroup_done: nil waitgroup"},
    {waitgroup_wait, "weft_waitgroup_wait: nil waitgroup"},
    {cond_init, "weft_cond_init: nil cond"},
    {cond_wait, "weft_cond_wait: nil cond"},
    {cond_signal, "weft_cond_signal: nil cond"},
    {cond_broadcast, "weft_cond_broadcast: nil cond"},
    {once_do, "weft_once_do: nil once"},
    {timer_chan, "weft_timer_chan: nil timer"},
    {timer_stop, "weft_timer_stop: nil timer"},
    {timer_reset, "weft_timer_reset: nil timer"},
    {context_cancel, "weft_context_cancel: nil context"},
    {context_done, "weft_context_done: nil context"},
    {context_err, "weft_context_err: nil context"},
    {context_deadline, "weft_context_deadline: nil context"},
    {context_value, "weft_context_value: nil context"},
    {context_with_cancel, "cannot create context from nil parent"},
    {context_with_timeout, "cannot create context from nil parent"},
    {context_with_value, "cannot create context from nil parent"},
    {accept, "weft_accept: nil listener"},
    {listener_close, "weft_listener_close: nil listener"},
    {conn_read, "weft_conn_read: nil conn"},
    {conn_write, "weft_conn_write: nil conn"},
    {conn_close, "weft_conn_close: nil conn"},
    {blocking, "weft_blocking: nil function"},
    {go, "weft_go: nil function"},
};

Test(nil, every_nil_object_panics_naming_the_call)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char first_line[128];
        snprintf(first_line, sizeof first_line, "panic: %s\n", cases[i].panic);
        child_expect_start(cases[i].scenario, 2, first_line);
    }
}
