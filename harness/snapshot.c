/*
 * The process snapshot (snapshot.h).
 *
 * snapshot_take lists the mappings (/proc/self/maps) and copies each
 * private writable one into the store, a shared mapping of its own (shared
 * so that the kernel never merges it with a neighbour the snapshot
 * lists). Its getcontext is where snapshot_restore comes back to: the
 * main stack is among what is restored, so that frame is live again, as
 * it was when the copy was made.
 *
 * snapshot_unrestorable lists the mappings again and sorts what changed:
 * ranges mapped since (to unmap), the brk heap grown (to shrink) and the
 * main stack grown (left), or a mapping of the snapshot gone or
 * reprotected (not restorable). Then what memory does not hold:
 * descriptors, threads, child processes, the working directory, signal
 * dispositions (counted by support's sigaction).
 *
 * Memory whose owner resets it (the race detector's shadow, emptied as
 * each run starts) is not copied: only its owner's reset runs on restore.
 * Another large mapping (reserved by the gigabyte and touched here and
 * there, as the detector's tables may be) is copied sparsely: only its
 * populated pages
 * (present or swapped, from /proc/self/pagemap), in runs. A page that was
 * not populated read as zero or as its file when the snapshot was taken,
 * and is given back on restore (MADV_DONTNEED) to read so again. A small
 * mapping is one run: giving back the pages a schedule touched would cost
 * a fault each in the next.
 *
 * snapshot_restore runs on a stack in the store, since it overwrites the
 * main one: it unmaps, compares each page of each run with its copy and
 * writes back those that differ (most pages are never written), gives
 * back the pages between runs, and resumes. memcmp
 * and memcpy are called once before the copy is taken, so no lazy binding
 * runs in the middle of restoring the loader's own data.
 */
#define _GNU_SOURCE
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "signal_calls.h"

enum {
    PAGE = 4096,
    MAX_REGIONS = 1024,
    MAX_NEW = 256,
    MAX_FDS = 256,
    MAX_RUNS = 4096,
    MAX_OWNED = 64,
    PAGEMAP_ENTRIES = 8192,
    MAPS_BYTES = 1 << 17,
    RESTORE_STACK_BYTES = 64 * 1024,
};

/* More than this is not worth copying for each schedule (a huge heap):
 * such a process runs its schedules in forks. */
static const size_t MAX_SNAPSHOT_BYTES = (size_t)256 << 20;
/* A mapping this large is copied sparsely. */
static const size_t SPARSE_BYTES = (size_t)16 << 20;
/* Unpopulated pages between two runs are given back only from this many
 * on: fewer cost less to compare than a system call. */
static const size_t MIN_GAP_PAGES = 8;

struct region {
    uintptr_t start, end;
    char perms[5];
    bool stack, brk_heap;
    bool copy; /* private, writable, neither scratch nor owned */
    size_t first_run, run_count; /* its populated pages, when copied */
};

struct range {
    uintptr_t start, end;
};

/* Populated pages of a region, copied at copy_at. */
struct run {
    uintptr_t start, end;
    size_t copy_at;
};

struct store {
    ucontext_t checkpoint, restorer;
    size_t count;
    struct region regions[MAX_REGIONS];
    struct range fresh[MAX_NEW]; /* mapped since: to unmap */
    size_t fresh_count;
    uintptr_t brk_end, brk_end_now;
    int fds[MAX_FDS];
    size_t fd_count;
    int fd_dir, task_dir;
    char cwd[PATH_MAX];
    unsigned long signal_changes;
    size_t run_count;
    struct run runs[MAX_RUNS];
    uint64_t pagemap[PAGEMAP_ENTRIES];
    char maps[MAPS_BYTES];
    _Alignas(16) unsigned char restore_stack[RESTORE_STACK_BYTES];
    unsigned char *copies; /* a mapping of its own, made once sized */
    size_t copies_bytes;
};

static struct store *store;
static struct {
    uintptr_t start, end;
    size_t (*used)(void);
} scratch;

void snapshot_scratch(void *start, size_t size, size_t (*used)(void))
{
    scratch.start = (uintptr_t)start;
    scratch.end = (uintptr_t)start + size;
    scratch.used = used;
}

static bool in_scratch(const struct region *r)
{
    return r->start >= scratch.start && r->end <= scratch.end;
}

/* Memory its owner resets (snapshot_owned): neither copied nor restored. */
static struct {
    struct range ranges[MAX_OWNED];
    size_t count;
    void (*reset)(void);
} owned;

void snapshot_owned(void *start, size_t size)
{
    /* the mapping ends at a page: so does what is owned */
    uintptr_t end =
        ((uintptr_t)start + size + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    if (owned.count < MAX_OWNED) /* past that it is copied: slower, as right */
        owned.ranges[owned.count++] = (struct range){(uintptr_t)start, end};
}

void snapshot_on_restore(void (*reset)(void))
{
    owned.reset = reset;
}

/* Whether owned ranges cover all of r (neighbours may share a mapping). */
static bool is_owned(const struct region *r)
{
    uintptr_t at = r->start;
    for (bool advanced = true; at < r->end && advanced;) {
        advanced = false;
        for (size_t k = 0; k < owned.count; k++)
            if (owned.ranges[k].start <= at && at < owned.ranges[k].end) {
                at = owned.ranges[k].end;
                advanced = true;
            }
    }
    return at >= r->end;
}

/* Set after the copy is written back: snapshot_take's second return. */
static bool restored;

/* ---- /proc/self/maps ---- */

static const char *hex(const char *p, uintptr_t *value)
{
    uintptr_t v = 0;
    for (;; p++) {
        unsigned digit;
        if (*p >= '0' && *p <= '9')
            digit = (unsigned)(*p - '0');
        else if (*p >= 'a' && *p <= 'f')
            digit = (unsigned)(*p - 'a' + 10);
        else
            break;
        v = v << 4 | digit;
    }
    *value = v;
    return p;
}

/* Reads the maps into text; their count, or -1. */
static ssize_t read_maps(char *text, size_t size)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t length = 0;
    ssize_t n;
    while (length + 1 < size &&
           (n = read(fd, text + length, size - 1 - length)) > 0)
        length += (size_t)n;
    close(fd);
    text[length] = '\0';
    return length + 1 < size ? (ssize_t)length : -1;
}

/* Parses one line of maps at *line into r; false at the end. */
static bool next_region(const char **line, struct region *r)
{
    const char *p = *line;
    if (!*p)
        return false;
    p = hex(p, &r->start);
    p = hex(p + 1, &r->end);
    memcpy(r->perms, p + 1, 4);
    r->perms[4] = '\0';
    const char *end = strchr(p, '\n');
    const char *path = end ? end : p + strlen(p);
    while (path > p && path[-1] != ' ')
        path--;
    size_t path_length = (size_t)((end ? end : p + strlen(p)) - path);
    r->stack = path_length == 7 && memcmp(path, "[stack]", 7) == 0;
    r->brk_heap = path_length == 6 && memcmp(path, "[heap]", 6) == 0;
    r->first_run = r->run_count = 0;
    *line = end ? end + 1 : p + strlen(p);
    return true;
}

static bool copied(const struct region *r)
{
    return r->perms[1] == 'w' && r->perms[3] == 'p';
}

/* ---- /proc/self/pagemap ---- */

static bool populated(uint64_t entry)
{
    const uint64_t present = 1ull << 63, swapped = 1ull << 62;
    return entry & (present | swapped);
}

/* Appends the runs of populated pages of r to the store's (gaps under
 * MIN_GAP_PAGES included; a small mapping whole); their bytes, or
 * SIZE_MAX. */
static size_t list_runs(int pagemap, struct region *r)
{
    size_t bytes = 0;
    r->first_run = store->run_count;
    if (r->end - r->start < SPARSE_BYTES || r->stack) {
        if (store->run_count == MAX_RUNS)
            return SIZE_MAX;
        store->runs[store->run_count++] = (struct run){r->start, r->end, 0};
        r->run_count = 1;
        return r->end - r->start;
    }
    uintptr_t last_populated = 0; /* end of the last populated page */
    for (uintptr_t page = r->start; page < r->end;) {
        size_t want = (r->end - page) / PAGE;
        if (want > PAGEMAP_ENTRIES)
            want = PAGEMAP_ENTRIES;
        ssize_t got = pread(pagemap, store->pagemap, want * sizeof(uint64_t),
                            (off_t)(page / PAGE * sizeof(uint64_t)));
        if (got <= 0 || (size_t)got % sizeof(uint64_t))
            return SIZE_MAX;
        for (size_t i = 0; i < (size_t)got / sizeof(uint64_t);
             i++, page += PAGE) {
            if (!populated(store->pagemap[i]))
                continue;
            struct run *run = &store->runs[store->run_count - 1];
            if (last_populated &&
                page - last_populated < MIN_GAP_PAGES * PAGE) {
                bytes += page + PAGE - run->end;
                run->end = page + PAGE;
            } else {
                if (store->run_count == MAX_RUNS)
                    return SIZE_MAX;
                store->runs[store->run_count++] =
                    (struct run){page, page + PAGE, 0};
                bytes += PAGE;
            }
            last_populated = page + PAGE;
        }
    }
    r->run_count = store->run_count - r->first_run;
    return bytes;
}

/* ---- what memory does not hold ---- */

/* The entries of an open /proc directory other than . and .., into
 * numbers (up to max); their count. */
static size_t list_directory(int dir, int *numbers, size_t max)
{
    char buffer[8192];
    size_t count = 0;
    lseek(dir, 0, SEEK_SET);
    long n;
    while ((n = syscall(SYS_getdents64, dir, buffer, sizeof buffer)) > 0) {
        for (long at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buffer + at);
            at += d->d_reclen;
            if (d->d_name[0] == '.')
                continue;
            if (count < max && numbers)
                numbers[count] = (int)strtol(d->d_name, NULL, 10);
            count++;
        }
    }
    return count;
}

static const char *outside_memory_changed(void)
{
    int fds[MAX_FDS];
    size_t fd_count = list_directory(store->fd_dir, fds, MAX_FDS);
    if (fd_count != store->fd_count ||
        memcmp(fds, store->fds, fd_count * sizeof *fds) != 0)
        return "opened or closed a file descriptor";
    if (list_directory(store->task_dir, NULL, 0) != 1)
        return "started a thread";
    siginfo_t info;
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 ||
        errno != ECHILD)
        return "started a process";
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || strcmp(cwd, store->cwd) != 0)
        return "changed the working directory";
    if (signal_disposition_changes != store->signal_changes)
        return "changed a signal's handler";
    return NULL;
}

/* ---- taking ---- */

static bool in_store(const struct region *r)
{
    uintptr_t s = (uintptr_t)store, c = (uintptr_t)store->copies;
    return (r->start >= s && r->end <= s + sizeof *store) ||
           (c && r->start >= c && r->end <= c + store->copies_bytes);
}

/* Lists the mappings into the store's regions, and the populated runs of
 * those it copies; their total of bytes to copy, or SIZE_MAX. */
static size_t list_regions(void)
{
    if (read_maps(store->maps, MAPS_BYTES) < 0)
        return SIZE_MAX;
    int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap < 0)
        return SIZE_MAX;
    size_t bytes = 0;
    const char *line = store->maps;
    struct region r;
    while (bytes != SIZE_MAX && next_region(&line, &r)) {
        if (in_store(&r))
            continue;
        if (store->count == MAX_REGIONS) {
            bytes = SIZE_MAX;
            break;
        }
        r.copy = copied(&r) && !in_scratch(&r) && !is_owned(&r);
        if (r.copy) {
            size_t populated = list_runs(pagemap, &r);
            bytes = populated == SIZE_MAX ? SIZE_MAX : bytes + populated;
            if (r.brk_heap)
                store->brk_end = r.end;
        }
        store->regions[store->count++] = r;
    }
    close(pagemap);
    return bytes;
}

/* The store, listed: the copies' mapping made after the listing, so the
 * lists are not in what is copied. */
static bool make_store(void)
{
    store = mmap(NULL, sizeof *store, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (store == MAP_FAILED) {
        store = NULL;
        return false;
    }
    size_t bytes = list_regions();
    store->fd_dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    store->task_dir =
        open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    void *copies = MAP_FAILED;
    if (bytes <= MAX_SNAPSHOT_BYTES && bytes > 0)
        copies = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (copies == MAP_FAILED || store->fd_dir < 0 || store->task_dir < 0 ||
        !getcwd(store->cwd, sizeof store->cwd)) {
        if (copies != MAP_FAILED)
            munmap(copies, bytes);
        if (store->fd_dir >= 0)
            close(store->fd_dir);
        if (store->task_dir >= 0)
            close(store->task_dir);
        munmap(store, sizeof *store);
        store = NULL;
        return false;
    }
    store->copies = copies;
    store->copies_bytes = bytes;
    store->fd_count = list_directory(store->fd_dir, store->fds, MAX_FDS);
    store->signal_changes = signal_disposition_changes;
    size_t at = 0;
    for (size_t i = 0; i < store->run_count; i++) {
        store->runs[i].copy_at = at;
        at += store->runs[i].end - store->runs[i].start;
    }
    return true;
}

static void copy_out(void)
{
    for (size_t i = 0; i < store->run_count; i++) {
        struct run *run = &store->runs[i];
        memcpy(store->copies + run->copy_at, (void *)run->start,
               run->end - run->start);
    }
}

bool snapshot_take(bool *resumed, const char **why)
{
    if (!store && !make_store()) {
        *why = "its memory could not be listed or is too large to copy";
        return false;
    }
    restored = false;
    /* bind both now: restoring must not run the loader */
    unsigned char probe[2] = {0};
    if (memcmp(memcpy(probe, probe + 1, 1), probe + 1, 1) != 0)
        return false;
    getcontext(&store->checkpoint);
    if (restored) {
        *resumed = true;
        return true;
    }
    copy_out();
    *resumed = false;
    return true;
}

/* ---- checking ---- */

static bool add_fresh(uintptr_t start, uintptr_t end)
{
    if (start >= end)
        return true;
    if (store->fresh_count == MAX_NEW)
        return false;
    store->fresh[store->fresh_count++] = (struct range){start, end};
    return true;
}

/* Sorts the mappings now against the snapshot's (both in address order):
 * what is new goes to fresh; NULL, or why it cannot be undone. */
static const char *compare_mappings(void)
{
    store->fresh_count = 0;
    store->brk_end_now = store->brk_end;
    if (read_maps(store->maps, MAPS_BYTES) < 0)
        return "has too many mappings";
    const char *line = store->maps;
    size_t old = 0;
    size_t covered = 0; /* bytes of regions[old] seen so far */
    struct region now;
    while (next_region(&line, &now)) {
        if (in_store(&now))
            continue;
        uintptr_t at = now.start;
        while (at < now.end) {
            while (old < store->count && store->regions[old].end <= at) {
                const struct region *o = &store->regions[old];
                if (covered != o->end - o->start && !o->stack)
                    return "unmapped memory it did not map";
                old++;
                covered = 0;
            }
            const struct region *o =
                old < store->count ? &store->regions[old] : NULL;
            if (!o || o->start >= now.end) {
                if (now.brk_heap && store->brk_end && at == store->brk_end)
                    store->brk_end_now = now.end; /* brk grew */
                else if (!add_fresh(at, now.end))
                    return "mapped too many regions";
                break;
            }
            if (o->start > at) {
                if (o->stack) { /* the stack grew down: leave it */
                    at = o->start;
                    continue;
                }
                if (!add_fresh(at, o->start))
                    return "mapped too many regions";
                at = o->start;
            }
            if (strcmp(o->perms, now.perms) != 0)
                return "changed the protection of memory it did not map";
            uintptr_t end = o->end < now.end ? o->end : now.end;
            covered += end - at;
            at = end;
        }
    }
    for (; old < store->count; old++) {
        const struct region *o = &store->regions[old];
        if (covered != o->end - o->start)
            return "unmapped memory it did not map";
        covered = 0;
    }
    return NULL;
}

const char *snapshot_unrestorable(void)
{
    const char *why = compare_mappings();
    return why ? why : outside_memory_changed();
}

/* ---- restoring ---- */

static void write_back(uintptr_t start, uintptr_t end, size_t copy_at)
{
    unsigned char *copy = store->copies + copy_at;
    for (uintptr_t page = start; page < end; page += PAGE, copy += PAGE)
        if (memcmp((void *)page, copy, PAGE) != 0)
            memcpy((void *)page, copy, PAGE);
}

static void give_back(uintptr_t start, uintptr_t end)
{
    if (start < end)
        syscall(SYS_madvise, start, end - start, MADV_DONTNEED);
}

/* A copied region: its runs written back, the pages between given back. */
static void write_back_region(const struct region *r)
{
    uintptr_t at = r->start;
    for (size_t i = r->first_run; i < r->first_run + r->run_count; i++) {
        const struct run *run = &store->runs[i];
        give_back(at, run->start);
        write_back(run->start, run->end, run->copy_at);
        at = run->end;
    }
    give_back(at, r->end);
}

/* Zeroes what the last schedule used of the scratch region: small uses
 * by writing (the pages stay), large ones by handing the pages back. */
static void zero_scratch(void)
{
    enum { WRITE_AT_MOST = 1 << 20 };
    size_t used = scratch.used ? scratch.used() : 0;
    used = (used + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (used <= WRITE_AT_MOST)
        memset((void *)scratch.start, 0, used);
    else
        madvise((void *)scratch.start, used, MADV_DONTNEED);
}

static void restore_on_own_stack(void)
{
    if (owned.reset)
        owned.reset(); /* first: it may read what is restored below */
    zero_scratch();    /* before: what it used is in memory restored below */
    for (size_t i = 0; i < store->fresh_count; i++)
        munmap((void *)store->fresh[i].start,
               store->fresh[i].end - store->fresh[i].start);
    if (store->brk_end_now != store->brk_end)
        syscall(SYS_brk, store->brk_end);
    for (size_t i = 0; i < store->count; i++)
        if (store->regions[i].copy)
            write_back_region(&store->regions[i]);
    restored = true;
    setcontext(&store->checkpoint);
    _exit(127); /* setcontext does not return */
}

void snapshot_restore(void)
{
    getcontext(&store->restorer);
    store->restorer.uc_stack.ss_sp = store->restore_stack;
    store->restorer.uc_stack.ss_size = sizeof store->restore_stack;
    store->restorer.uc_link = NULL;
    makecontext(&store->restorer, restore_on_own_stack, 0);
    setcontext(&store->restorer);
    _exit(127);
}
