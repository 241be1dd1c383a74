/*
 * The ThreadSanitizer ABI that gcc and clang emit for C compiled with
 * -fsanitize=thread (-O0 to -O3), implemented by weft, so instrumented
 * objects link against libweft instead of libtsan. Entry points only: each
 * forwards to the detector (access.h, atomic.h, depot.h).
 *
 * With runtime_link.c, this is the adapter between the layers: the one
 * place that knows both the detector and the runtime. An atomic operation
 * is a scheduling point like any channel operation, and so is an access
 * under --preempt-on-access and a function's entry under preempt_calls=1
 * (WEFT_OPTIONS): the runtime is asked for it here, before the detector
 * checks what happened.
 *
 * Every pc a report shows is the return address of the entry point's call,
 * in instrumented code.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "access.h"
#include "atomic.h"
#include "depot.h"
#include "runtime_link.h"
#include "state.h"
#include "sync.h"

void interceptors_check_range(const void *addr, size_t size, bool write,
                              uintptr_t pc);

void __tsan_init(void)
{
    detector_start_with_runtime();
}

/* ---- function entry and exit: the call stack ---- */

/* Out of the fast path: under preempt_calls a loop that calls an
 * instrumented function can be preempted, though it makes no weft call
 * (not inside a strategy's choice, where checking is off). */
__attribute__((noinline)) static void call_point(void)
{
    if (det.checking)
        runtime_call_point();
}

/* Out of the fast path: a call parent did not make last, or a call
 * point. */
__attribute__((noinline)) static void func_entry_other(uintptr_t call_pc)
{
    if (unlikely(!det.initialized))
        return;
    det.cur_stack = depot_call(det.cur_stack, call_pc);
    if (unlikely(det.preempt_calls))
        call_point();
}

/* Before __tsan_init the stack is the root, whose last call is none (the
 * depot's root alone, depot.c). */
void __tsan_func_entry(void *call_pc)
{
    uint32_t child = depot_last_call(det.cur_stack);
    if (likely(depot_pc(child) == (uintptr_t)call_pc) &&
        likely(!det.preempt_calls)) {
        det.cur_stack = child;
        return;
    }
    func_entry_other((uintptr_t)call_pc);
}

void __tsan_func_exit(void)
{
    det.cur_stack = depot_parent(det.cur_stack); /* the root's is the root */
}

/* ---- plain accesses ---- */

/* Out of the fast path: under --preempt-on-access an access is a
 * scheduling point first. */
__attribute__((noinline)) static void
access_other(uintptr_t addr, unsigned size, unsigned kind, uintptr_t pc)
{
    if (unlikely(det.preempt_on_access))
        runtime_access_point();
    access_check(addr, size, kind, pc);
}

/* The fast path is inline in each (access_entry); access points
 * (--preempt-on-access) and the rest go through access_other. */
#define ACCESS(name, size, kind)                                               \
    void __tsan_##name(void *addr)                                             \
    {                                                                          \
        access_entry((uintptr_t)addr, size, kind, CALLER_PC, access_other);    \
    }                                                                          \
    void __tsan_##name##_pc(void *addr, void *pc)                              \
    {                                                                          \
        access_entry((uintptr_t)addr, size, kind, (uintptr_t)pc,               \
                     access_other);                                            \
    }

#define ACCESSES(size)                                                         \
    ACCESS(read##size, size, 0)                                                \
    ACCESS(write##size, size, CELL_WRITE)                                      \
    ACCESS(unaligned_read##size, size, 0)                                      \
    ACCESS(unaligned_write##size, size, CELL_WRITE)                            \
    ACCESS(volatile_read##size, size, 0)                                       \
    ACCESS(volatile_write##size, size, CELL_WRITE)

ACCESSES(1)
ACCESSES(2)
ACCESSES(4)
ACCESSES(8)

/* 16 bytes: two words, inline when aligned (access_entry16) */
#define ACCESS16(name, kind)                                                   \
    void __tsan_##name(void *addr)                                             \
    {                                                                          \
        access_entry16((uintptr_t)addr, kind, CALLER_PC, access_other);        \
    }                                                                          \
    void __tsan_##name##_pc(void *addr, void *pc)                              \
    {                                                                          \
        access_entry16((uintptr_t)addr, kind, (uintptr_t)pc, access_other);    \
    }

ACCESS16(read16, 0)
ACCESS16(write16, CELL_WRITE)
ACCESS16(unaligned_read16, 0)
ACCESS16(unaligned_write16, CELL_WRITE)
ACCESS16(volatile_read16, 0)
ACCESS16(volatile_write16, CELL_WRITE)

void __tsan_read_range(void *addr, unsigned long size)
{
    access_range((uintptr_t)addr, size, 0, CALLER_PC);
}

void __tsan_write_range(void *addr, unsigned long size)
{
    access_range((uintptr_t)addr, size, CELL_WRITE, CALLER_PC);
}

void __tsan_read_range_pc(void *addr, unsigned long size, void *pc)
{
    access_range((uintptr_t)addr, size, 0, (uintptr_t)pc);
}

void __tsan_write_range_pc(void *addr, unsigned long size, void *pc)
{
    access_range((uintptr_t)addr, size, CELL_WRITE, (uintptr_t)pc);
}

/* C++ virtual tables: an update is a write, unless it stores the same. */
void __tsan_vptr_update(void **vptr, void *value)
{
    if (*vptr != value)
        access_check((uintptr_t)vptr, sizeof *vptr, CELL_WRITE, CALLER_PC);
}

void __tsan_vptr_read(void **vptr)
{
    access_check((uintptr_t)vptr, sizeof *vptr, 0, CALLER_PC);
}

/* memory intrinsics (newer clang calls these instead of memcpy) */
void *__tsan_memcpy(void *to, const void *from, unsigned long size)
{
    interceptors_check_range(from, size, false, CALLER_PC);
    interceptors_check_range(to, size, true, CALLER_PC);
    return memcpy(to, from, size);
}

void *__tsan_memmove(void *to, const void *from, unsigned long size)
{
    interceptors_check_range(from, size, false, CALLER_PC);
    interceptors_check_range(to, size, true, CALLER_PC);
    return memmove(to, from, size);
}

void *__tsan_memset(void *to, int byte, unsigned long size)
{
    interceptors_check_range(to, size, true, CALLER_PC);
    return memset(to, byte, size);
}

/* ---- ignoring a region of code, and annotations ---- */

void __tsan_ignore_thread_begin(void)
{
    det.ignore++;
    det_update_checking();
}

void __tsan_ignore_thread_end(void)
{
    if (det.ignore)
        det.ignore--;
    det_update_checking();
}

void __tsan_acquire(void *addr)
{
    struct vclock *clock = det.checking ? sync_find((uintptr_t)addr) : NULL;
    if (clock)
        sync_acquire_clock(clock);
}

void __tsan_release(void *addr)
{
    if (det.checking)
        sync_release_clock(sync_clock((uintptr_t)addr));
}

/* ---- atomics ---- */

/* Each atomic operation begins with a scheduling point (the runtime may
 * switch goroutines there), then is performed, then checked (*_done). */
static inline void atomic_point(void)
{
    if (det.checking)
        runtime_atomic_point();
}

typedef char a8;
typedef short a16;
typedef int a32;
typedef long a64;
typedef __int128 a128;

/* The operations themselves: real atomics up to 8 bytes; 16-byte ones are
 * plain (one OS thread runs every goroutine, and libatomic is not needed). */
#define PRIMITIVES(w, T)                                                       \
    static inline T load##w(const volatile T *a)                               \
    {                                                                          \
        return __atomic_load_n(a, __ATOMIC_SEQ_CST);                           \
    }                                                                          \
    static inline void store##w(volatile T *a, T v)                            \
    {                                                                          \
        __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                              \
    }                                                                          \
    static inline T exchange##w(volatile T *a, T v)                            \
    {                                                                          \
        return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                    \
    }                                                                          \
    static inline T fetch_add##w(volatile T *a, T v)                           \
    {                                                                          \
        return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);                     \
    }                                                                          \
    static inline T fetch_sub##w(volatile T *a, T v)                           \
    {                                                                          \
        return __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST);                     \
    }                                                                          \
    static inline T fetch_and##w(volatile T *a, T v)                           \
    {                                                                          \
        return __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST);                     \
    }                                                                          \
    static inline T fetch_or##w(volatile T *a, T v)                            \
    {                                                                          \
        return __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST);                      \
    }                                                                          \
    static inline T fetch_xor##w(volatile T *a, T v)                           \
    {                                                                          \
        return __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST);                     \
    }                                                                          \
    static inline T fetch_nand##w(volatile T *a, T v)                          \
    {                                                                          \
        return __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST);                    \
    }                                                                          \
    static inline bool cas##w(volatile T *a, T *expected, T desired)           \
    {                                                                          \
        return __atomic_compare_exchange_n(                                    \
            a, expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);  \
    }

PRIMITIVES(8, a8)
PRIMITIVES(16, a16)
PRIMITIVES(32, a32)
PRIMITIVES(64, a64)

#define PLAIN_RMW(name, expr)                                                  \
    static inline a128 name##128(volatile a128 * a, a128 v)                    \
    {                                                                          \
        a128 old = *a;                                                         \
        *a = (expr);                                                           \
        return old;                                                            \
    }
static inline a128 load128(const volatile a128 *a)
{
    return *a;
}
static inline void store128(volatile a128 *a, a128 v)
{
    *a = v;
}
PLAIN_RMW(exchange, v)
PLAIN_RMW(fetch_add, old + v)
PLAIN_RMW(fetch_sub, old - v)
PLAIN_RMW(fetch_and, old &v)
PLAIN_RMW(fetch_or, old | v)
PLAIN_RMW(fetch_xor, old ^ v)
PLAIN_RMW(fetch_nand, ~(old &v))
static inline bool cas128(volatile a128 *a, a128 *expected, a128 desired)
{
    if (*a == *expected) {
        *a = desired;
        return true;
    }
    *expected = *a;
    return false;
}

#define RMW(w, T, op)                                                          \
    T __tsan_atomic##w##_##op(volatile T *a, T v, int mo)                      \
    {                                                                          \
        atomic_point();                                                        \
        T old = op##w(a, v);                                                   \
        atomic_rmw_done((uintptr_t)a, sizeof(T), mo, CALLER_PC);               \
        return old;                                                            \
    }

#define ATOMICS(w, T)                                                          \
    T __tsan_atomic##w##_load(const volatile T *a, int mo)                     \
    {                                                                          \
        atomic_point();                                                        \
        T v = load##w(a);                                                      \
        atomic_load_done((uintptr_t)a, sizeof(T), mo, CALLER_PC);              \
        return v;                                                              \
    }                                                                          \
    void __tsan_atomic##w##_store(volatile T *a, T v, int mo)                  \
    {                                                                          \
        atomic_point();                                                        \
        store##w(a, v);                                                        \
        atomic_store_done((uintptr_t)a, sizeof(T), mo, CALLER_PC);             \
    }                                                                          \
    RMW(w, T, exchange)                                                        \
    RMW(w, T, fetch_add)                                                       \
    RMW(w, T, fetch_sub)                                                       \
    RMW(w, T, fetch_and)                                                       \
    RMW(w, T, fetch_or)                                                        \
    RMW(w, T, fetch_xor)                                                       \
    RMW(w, T, fetch_nand)                                                      \
    static bool cas_done##w(volatile T *a, T *expected, T v, int mo, int fail, \
                            uintptr_t pc)                                      \
    {                                                                          \
        bool done = cas##w(a, expected, v);                                    \
        if (done)                                                              \
            atomic_rmw_done((uintptr_t)a, sizeof(T), mo, pc);                  \
        else                                                                   \
            atomic_load_done((uintptr_t)a, sizeof(T), fail, pc);               \
        return done;                                                           \
    }                                                                          \
    int __tsan_atomic##w##_compare_exchange_strong(volatile T *a, T *c, T v,   \
                                                   int mo, int fail)           \
    {                                                                          \
        atomic_point();                                                        \
        return cas_done##w(a, c, v, mo, fail, CALLER_PC);                      \
    }                                                                          \
    int __tsan_atomic##w##_compare_exchange_weak(volatile T *a, T *c, T v,     \
                                                 int mo, int fail)             \
    {                                                                          \
        atomic_point();                                                        \
        return cas_done##w(a, c, v, mo, fail, CALLER_PC);                      \
    }                                                                          \
    T __tsan_atomic##w##_compare_exchange_val(volatile T *a, T c, T v, int mo, \
                                              int fail)                        \
    {                                                                          \
        atomic_point();                                                        \
        cas_done##w(a, &c, v, mo, fail, CALLER_PC);                            \
        return c;                                                              \
    }

ATOMICS(8, a8)
ATOMICS(16, a16)
ATOMICS(32, a32)
ATOMICS(64, a64)
ATOMICS(128, a128)

void __tsan_atomic_thread_fence(int mo)
{
    atomic_point();
    atomic_fence(mo);
}

void __tsan_atomic_signal_fence(int mo)
{
    (void)mo; /* orders nothing between goroutines */
}
