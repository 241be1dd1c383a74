/*
 * Goroutine stacks.
 *
 * One mmap (a slab, 64 MiB reserved with MAP_NORESERVE) holds many stacks,
 * each above a guard page; pages are committed only when touched. A million
 * goroutines must fit under vm.max_map_count (65,530), so a guard may not
 * cost a mapping:
 *  - Linux 6.13+: MADV_GUARD_INSTALL marks guard pages in the page tables
 *    without splitting the slab's mapping; every stack is guarded.
 *  - Older kernels: mprotect splits the mapping at each guard (two mappings
 *    per stack), so only the first GUARD_MPROTECT_LIMIT stacks are guarded
 *    that way; later ones are bounds-checked at every switch instead
 *    (stack.guarded == false).
 * Freed stacks are kept per size on a free list, committed, for reuse. In
 * parallel mode the pool has a lock, and each worker a cache of stacks of
 * the run's size in front of it (moved in batches).
 */
#include "stack_pool.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lock.h"
#include "runtime.h"

#ifdef WEFT_HAVE_VALGRIND
#include <valgrind/valgrind.h>
/* Under valgrind, each goroutine stack is registered as a stack, so memcheck
 * does not take a switch for a wild stack-pointer move, nor another
 * goroutine's waiters for memory below the stack pointer. Natively,
 * RUNNING_ON_VALGRIND is a few no-op instructions. */
static void stack_registered(struct stack *s)
{
    s->valgrind_id =
        RUNNING_ON_VALGRIND
            ? VALGRIND_STACK_REGISTER(s->base, (char *)s->base + s->size)
            : 0;
}

static void stack_deregistered(struct stack *s)
{
    if (s->valgrind_id)
        VALGRIND_STACK_DEREGISTER(s->valgrind_id);
}
#else
static void stack_registered(struct stack *s)
{
    s->valgrind_id = 0;
}

static void stack_deregistered(struct stack *s)
{
    (void)s;
}
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

enum {
    SLAB_BYTES = 64 << 20,
    GUARD_MPROTECT_LIMIT = 16384,
    FREE_LIST_SIZES = 8,
};

/* A free stack links to the next through its own top word. */
struct free_stack {
    struct free_stack *next;
};

struct free_list {
    size_t size;
    struct free_stack *head;
};

struct slab {
    char *next; /* lowest unused byte */
    char *end;
    size_t size; /* stack size this slab is carved into */
};

static struct {
    size_t page;
    struct free_list free[FREE_LIST_SIZES];
    struct slab slab;
    enum { GUARD_MADVISE, GUARD_MPROTECT } guard_mode;
    size_t mprotect_guards;
} pool;

static size_t page_size(void)
{
    if (pool.page == 0)
        pool.page = (size_t)sysconf(_SC_PAGESIZE);
    return pool.page;
}

size_t stack_round(size_t size)
{
    size_t page = page_size();
    if (size < 4 * page)
        size = 4 * page;
    return (size + page - 1) & ~(page - 1);
}

static struct free_list *free_list_for(size_t size)
{
    for (int i = 0; i < FREE_LIST_SIZES; i++) {
        if (pool.free[i].size == size)
            return &pool.free[i];
        if (pool.free[i].size == 0) {
            pool.free[i].size = size;
            return &pool.free[i];
        }
    }
    return NULL; /* too many distinct sizes: such stacks are unmapped */
}

static bool install_guard(char *guard)
{
    size_t page = page_size();
    if (pool.guard_mode == GUARD_MADVISE) {
        if (madvise(guard, page, MADV_GUARD_INSTALL) == 0)
            return true;
        pool.guard_mode = GUARD_MPROTECT;
    }
    if (pool.mprotect_guards >= GUARD_MPROTECT_LIMIT)
        return false;
    if (mprotect(guard, page, PROT_NONE) != 0)
        return false;
    pool.mprotect_guards++;
    return true;
}

static void slab_refill(size_t size)
{
    size_t slot = size + page_size();
    size_t bytes = slot * (SLAB_BYTES / slot > 0 ? SLAB_BYTES / slot : 1);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED)
        runtime_panic("out of memory: cannot reserve goroutine stacks (%s)",
                      strerror(errno));
    /* A transparent huge page would commit 2 MiB for one touched stack top
     * and must be split again to install each guard. */
    madvise(mem, bytes, MADV_NOHUGEPAGE);
    pool.slab = (struct slab){(char *)mem, (char *)mem + bytes, size};
}

/* ---- a free stack as a list keeps it: the link at its top, the guard
 * state just below the link ---- */

static struct free_stack *as_free(struct stack *s)
{
    char *top = (char *)stack_top(s);
    struct free_stack *f = (struct free_stack *)top - 1;
    *(bool *)((char *)f - sizeof(bool)) = s->guarded;
    return f;
}

static void from_free(struct free_stack *f, size_t size, struct stack *s)
{
    char *top = (char *)(f + 1);
    s->base = top - size;
    s->size = size;
    s->guarded = *(bool *)((char *)f - sizeof(bool));
}

/* ---- the shared pool: in parallel mode under its own lock ---- */

static uint32_t pool_lock;

static void pool_alloc(struct stack *s, size_t size)
{
    struct free_list *list = free_list_for(size);
    if (list && list->head) {
        struct free_stack *f = list->head;
        list->head = f->next;
        from_free(f, size, s);
        return;
    }
    if (pool.slab.size != size ||
        pool.slab.end - pool.slab.next < (ptrdiff_t)(size + page_size()))
        slab_refill(size);
    char *guard = pool.slab.next;
    pool.slab.next += size + page_size();
    s->base = guard + page_size();
    s->size = size;
    s->guarded = install_guard(guard);
}

static void pool_free(struct stack *s)
{
    struct free_list *list = free_list_for(s->size);
    if (!list) {
        munmap((char *)s->base - page_size(), s->size + page_size());
        return;
    }
    struct free_stack *f = as_free(s);
    f->next = list->head;
    list->head = f;
}

/* ---- parallel mode: each worker keeps some free stacks of the run's
 * size, moved to and from the pool in batches (as Go's stackcache), so
 * spawning and exiting take the pool's lock once in CACHE_BATCH times ---- */

enum { CACHE_MAX = 256, CACHE_BATCH = 128 };

/* The cache holds stacks of one size: the run's, when it was last empty
 * (weft_set_stack_size may change it). */
static bool cacheable(size_t size)
{
    if (!rt.parallel)
        return false;
    if (ws.stack_cache)
        return size == ws.stack_cache_size;
    ws.stack_cache_size = rt.stack_size;
    return size == rt.stack_size;
}

static void cache_refill(size_t size)
{
    lock_word_acquire(&pool_lock);
    for (unsigned i = 0; i < CACHE_BATCH; i++) {
        struct stack s;
        pool_alloc(&s, size);
        struct free_stack *f = as_free(&s);
        f->next = ws.stack_cache;
        ws.stack_cache = f;
        ws.stack_cache_count++;
    }
    lock_word_release(&pool_lock);
}

static void cache_drain(size_t size)
{
    lock_word_acquire(&pool_lock);
    for (unsigned i = 0; i < CACHE_BATCH; i++) {
        struct free_stack *f = ws.stack_cache;
        ws.stack_cache = f->next;
        ws.stack_cache_count--;
        struct stack s;
        from_free(f, size, &s);
        pool_free(&s);
    }
    lock_word_release(&pool_lock);
}

void stack_alloc(struct stack *s, size_t size)
{
    if (cacheable(size)) {
        if (!ws.stack_cache)
            cache_refill(size);
        struct free_stack *f = ws.stack_cache;
        ws.stack_cache = f->next;
        ws.stack_cache_count--;
        from_free(f, size, s);
    } else {
        OBJECT_LOCK(&pool_lock);
        pool_alloc(s, size);
        OBJECT_UNLOCK(&pool_lock);
    }
    stack_registered(s);
}

void stack_free(struct stack *s)
{
    stack_deregistered(s);
    if (cacheable(s->size)) {
        struct free_stack *f = as_free(s);
        f->next = ws.stack_cache;
        ws.stack_cache = f;
        if (++ws.stack_cache_count > CACHE_MAX)
            cache_drain(s->size);
        return;
    }
    OBJECT_LOCK(&pool_lock);
    pool_free(s);
    OBJECT_UNLOCK(&pool_lock);
}
