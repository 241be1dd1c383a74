/*
 * Capturing stacks with libunwind, symbolizing them with libdw.
 *
 * Capture runs where events happen, possibly on a 64 KiB goroutine stack: it
 * never allocates and keeps its frame at about 2 KiB (libunwind's context and
 * cursor). Symbolization runs on report paths only, may allocate, and shares
 * one Dwfl session for the process's modules, built on first use and rebuilt
 * when a pc falls outside every module it knows (a library dlopen'ed since).
 *
 * Everything in `symbolizer` is guarded by its lock, libdw not being
 * thread-safe. Lookups run on the symbolizer's own stack: libdw's line-table
 * reader keeps about 150 KiB on the stack (elfutils 0.188), which would
 * overflow a goroutine's.
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include "stack.h"

#include "compiler.h"
#include "own_work.h"

#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <libunwind.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

__attribute__((noinline)) size_t stack_capture(uintptr_t *pcs, size_t max,
                                               size_t skip)
{
    unw_context_t context;
    unw_cursor_t cursor;
    /* libunwind's memset of its caches is weft's work, not the goroutine's */
    own_work_begin();
    size_t count = 0;
    if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0)
        goto done;
    /* The cursor starts in this frame; each step moves one caller out. */
    while (count < max && unw_step(&cursor) > 0) {
        unw_word_t ip;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
            break;
        if (skip > 0) {
            skip--;
            continue;
        }
        pcs[count++] = (uintptr_t)ip;
    }
done:
    own_work_end();
    return count;
}

enum { STACK_WALK_LIMIT = 1 << 20 };

/* Puts the ring's oldest entry (at start) first. */
static void unrotate(uintptr_t *ring, size_t count, size_t start)
{
    uintptr_t copy[STACK_MAX_FRAMES];
    for (size_t i = 0; i < count; i++)
        copy[i] = ring[(start + i) % count];
    memcpy(ring, copy, count * sizeof *ring);
}

size_t stack_capture_context(void *ucontext, uintptr_t *pcs, size_t max,
                             size_t outermost, size_t *total)
{
    unw_cursor_t cursor;
    *total = 0;
    if (outermost >= max || outermost > STACK_MAX_FRAMES ||
        unw_init_local2(&cursor, ucontext, UNW_INIT_SIGNAL_FRAME) != 0)
        return 0;
    /* The innermost frames fill pcs in order; past them the last
     * `outermost` slots are a ring of the frames seen most recently. */
    size_t innermost = max - outermost, count = 0;
    do {
        unw_word_t ip;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
            break;
        if (count < innermost)
            pcs[count] = (uintptr_t)ip;
        else if (outermost > 0)
            pcs[innermost + (count - innermost) % outermost] = (uintptr_t)ip;
        count++;
    } while (count < STACK_WALK_LIMIT && unw_step(&cursor) > 0);
    *total = count;
    if (count <= max)
        return count;
    if (outermost > 0)
        unrotate(pcs + innermost, outermost, (count - innermost) % outermost);
    return max;
}

enum { SYMBOLIZER_STACK_SIZE = 1 << 20 };

static struct {
    pthread_mutex_t lock;
    Dwfl *dwfl;  /* NULL until first use, or when reporting failed */
    void *stack; /* SYMBOLIZER_STACK_SIZE bytes, a guard page lowest */
    ucontext_t caller, lookup;
    /* The lookup's arguments and result, passed around makecontext. */
    Dwarf_Addr address;
    struct symbol *out;
    bool found;
} symbolizer = {.lock = PTHREAD_MUTEX_INITIALIZER};

static char *debuginfo_path;
static const Dwfl_Callbacks proc_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* (Re)reads the process's mappings into the session; false on failure. */
static bool report_modules(void)
{
    if (symbolizer.dwfl == NULL) {
        symbolizer.dwfl = dwfl_begin(&proc_callbacks);
        if (symbolizer.dwfl == NULL)
            return false;
    }
    dwfl_report_begin(symbolizer.dwfl);
    int error = dwfl_linux_proc_report(symbolizer.dwfl, getpid());
    if (dwfl_report_end(symbolizer.dwfl, NULL, NULL) != 0 || error != 0) {
        dwfl_end(symbolizer.dwfl);
        symbolizer.dwfl = NULL;
        return false;
    }
    return true;
}

static Dwfl_Module *find_module(Dwarf_Addr address)
{
    if (symbolizer.dwfl == NULL && !report_modules())
        return NULL;
    Dwfl_Module *module = dwfl_addrmodule(symbolizer.dwfl, address);
    if (module == NULL && report_modules())
        module = dwfl_addrmodule(symbolizer.dwfl, address);
    return module;
}

static void copy_string(char *to, size_t size, const char *from)
{
    snprintf(to, size, "%s", from);
}

void stack_relative_path(char *to, size_t size, const char *path)
{
    char cwd[4096];
    if (path[0] == '/' && getcwd(cwd, sizeof cwd) != NULL) {
        size_t length = strlen(cwd);
        if (strncmp(path, cwd, length) == 0 && path[length] == '/')
            path += length + 1;
    }
    copy_string(to, size, path);
}

/* The source file and line of address, or NULL. libdw 0.188 finds a
 * compilation unit by address only through .debug_aranges, which clang does
 * not emit by default: without it, look through every unit. */
static const char *find_line(Dwfl_Module *module, Dwarf_Addr address, int *line)
{
    Dwfl_Line *found = dwfl_module_getsrc(module, address);
    if (found != NULL)
        return dwfl_lineinfo(found, NULL, line, NULL, NULL, NULL);
    Dwarf_Addr bias;
    Dwarf_Die *unit = NULL;
    while ((unit = dwfl_module_nextcu(module, unit, &bias)) != NULL) {
        if (dwarf_haspc(unit, address - bias) != 1)
            continue;
        Dwarf_Line *unit_line = dwarf_getsrc_die(unit, address - bias);
        if (unit_line == NULL || dwarf_lineno(unit_line, line) != 0)
            return NULL;
        return dwarf_linesrc(unit_line, NULL, NULL);
    }
    return NULL;
}

static void look_up(void)
{
    struct symbol *out = symbolizer.out;
    Dwfl_Module *module = find_module(symbolizer.address);
    symbolizer.found = module != NULL;
    if (module == NULL)
        return;
    GElf_Off offset;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(module, symbolizer.address, &offset,
                                            &sym, NULL, NULL, NULL);
    if (name != NULL && name[0] != '\0') /* without "@@GLIBC_2.34" */
        snprintf(out->function, sizeof out->function, "%.*s",
                 (int)strcspn(name, "@"), name);
    int line = 0;
    const char *file = find_line(module, symbolizer.address, &line);
    if (file != NULL) {
        stack_relative_path(out->file, sizeof out->file, file);
        out->line = line;
    }
}

/* Runs look_up on the symbolizer's stack, mapped on first use; false if that
 * cannot be done. */
static bool look_up_on_own_stack(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (symbolizer.stack == NULL) {
        void *stack = mmap(NULL, SYMBOLIZER_STACK_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (stack == MAP_FAILED)
            return false;
        mprotect(stack, page, PROT_NONE);
        symbolizer.stack = stack;
    }
    if (getcontext(&symbolizer.lookup) != 0)
        return false;
    symbolizer.lookup.uc_stack.ss_sp = (char *)symbolizer.stack + page;
    symbolizer.lookup.uc_stack.ss_size = SYMBOLIZER_STACK_SIZE - page;
    symbolizer.lookup.uc_link = &symbolizer.caller;
    makecontext(&symbolizer.lookup, look_up, 0);
    return swapcontext(&symbolizer.caller, &symbolizer.lookup) == 0;
}

void symbolizer_take_over(void)
{
    if (pthread_mutex_trylock(&symbolizer.lock) == 0) {
        pthread_mutex_unlock(&symbolizer.lock);
        return;
    }
    /* its holder never lets go: a session it was changing is not to be
     * trusted (left as it is), nor its lock; its stack is free to reuse */
    pthread_mutex_init(&symbolizer.lock, NULL);
    symbolizer.dwfl = NULL;
}

bool symbolize(uintptr_t pc, bool exact, struct symbol *out)
{
    copy_string(out->function, sizeof out->function, "??");
    out->file[0] = '\0';
    out->line = 0;
    /* libdw's allocations are weft's, not the user's: unchecked, or a race
     * on them would be reported, and symbolized, under our own lock */
    own_work_begin();
    pthread_mutex_lock(&symbolizer.lock);
    /* A return address may already be the next function's first byte. */
    symbolizer.address = exact || pc == 0 ? pc : pc - 1;
    symbolizer.out = out;
    symbolizer.found = false;
    if (!look_up_on_own_stack())
        look_up();
    bool found = symbolizer.found;
    pthread_mutex_unlock(&symbolizer.lock);
    own_work_end();
    return found;
}

#ifdef WEFT_SOURCE_DIR
/* Whether file (absolute, or relative to the working directory) lies under
 * directory, an absolute path ending in '/'. */
static bool path_is_under(const char *file, const char *directory)
{
    char absolute[4096 + sizeof((struct symbol *)0)->file];
    if (file[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd) == NULL)
            return false;
        snprintf(absolute, sizeof absolute, "%s/%s", cwd, file);
        file = absolute;
    }
    return strncmp(file, directory, strlen(directory)) == 0;
}
#endif

/* Functions a program asked reports to skip, by name (for printing), and
 * the code of each, found in the symbol tables when it was hidden (for
 * stack_unhidden_caller, which must not symbolize). Appended to, never
 * removed: a reader sees counts whose entries are complete. */
enum { HIDDEN_RANGES_MAX = 2 * STACK_HIDDEN_MAX };
static struct {
    char names[STACK_HIDDEN_MAX][sizeof((struct symbol *)0)->function];
    _Atomic size_t count;
    struct {
        uintptr_t start, end;
    } ranges[HIDDEN_RANGES_MAX];
    _Atomic size_t range_count;
} hidden;

/* Records the code of every function named name in module (a static
 * function's name may be in several files). */
static int find_hidden_code(Dwfl_Module *module, void **userdata,
                            const char *module_name, Dwarf_Addr start,
                            void *name)
{
    (void)userdata, (void)module_name, (void)start;
    int count = dwfl_module_getsymtab(module);
    for (int i = 1; i < count; i++) {
        GElf_Sym sym;
        GElf_Addr address;
        const char *found = dwfl_module_getsym_info(module, i, &sym, &address,
                                                    NULL, NULL, NULL);
        size_t n = hidden.range_count;
        if (!found || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
            strcmp(found, name) != 0 || n == HIDDEN_RANGES_MAX)
            continue;
        hidden.ranges[n].start = (uintptr_t)address;
        hidden.ranges[n].end = (uintptr_t)(address + sym.st_size);
        hidden.range_count = n + 1;
    }
    return DWARF_CB_OK;
}

bool stack_hide_function(const char *function)
{
    size_t count = hidden.count;
    size_t length = strlen(function);
    if (count == STACK_HIDDEN_MAX || length == 0 ||
        length >= sizeof hidden.names[0])
        return false;
    for (size_t i = 0; i < count; i++)
        if (strcmp(hidden.names[i], function) == 0)
            return true;
    memcpy(hidden.names[count], function, length + 1);
    own_work_begin();
    pthread_mutex_lock(&symbolizer.lock);
    if (report_modules())
        dwfl_getmodules(symbolizer.dwfl, find_hidden_code,
                        hidden.names[count], 0);
    pthread_mutex_unlock(&symbolizer.lock);
    own_work_end();
    hidden.count = count + 1;
    return true;
}

static bool pc_is_hidden(uintptr_t pc)
{
    size_t count = hidden.range_count;
    for (size_t i = 0; i < count; i++)
        if (pc > hidden.ranges[i].start && pc <= hidden.ranges[i].end)
            return true; /* a return address: after its call */
    return false;
}

uintptr_t stack_unhidden_caller(uintptr_t pc)
{
    if (likely(hidden.range_count == 0) || !pc_is_hidden(pc))
        return pc;
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t count = stack_capture(pcs, STACK_MAX_FRAMES, 0);
    size_t i = 0;
    while (i < count && pcs[i] != pc)
        i++;
    while (i < count && pc_is_hidden(pcs[i]))
        i++;
    return i < count ? pcs[i] : pc;
}

static bool symbol_is_hidden(const struct symbol *s)
{
    size_t count = hidden.count;
    for (size_t i = 0; i < count; i++)
        if (strcmp(hidden.names[i], s->function) == 0)
            return true;
    return false;
}

bool symbol_is_internal(const struct symbol *s)
{
    if (symbol_is_hidden(s))
        return true;
    if (s->file[0] == '\0')
        return strncmp(s->function, "weft_", 5) == 0;
#ifdef WEFT_SOURCE_DIR
    static const char *const directories[] = {
        WEFT_SOURCE_DIR "/support/",
        WEFT_SOURCE_DIR "/runtime/",
        WEFT_SOURCE_DIR "/detector/",
        WEFT_SOURCE_DIR "/harness/",
        WEFT_SOURCE_DIR "/posix/",
    };
    for (size_t i = 0; i < sizeof directories / sizeof directories[0]; i++)
        if (path_is_under(s->file, directories[i]))
            return true;
#endif
    return false;
}

/* libc's frames below main, and weft_run below a run's main goroutine
 * (which runs on its caller's stack): a stack ends there for the user. A
 * point of the main goroutine's own code has no user frame, rather than
 * the frame of whoever called weft_run or weft_explore. */
static bool symbol_is_start(const struct symbol *s)
{
    return strcmp(s->function, "weft_run") == 0 ||
           strcmp(s->function, "__libc_start_call_main") == 0 ||
           strcmp(s->function, "__libc_start_main") == 0 ||
           strcmp(s->function, "_start") == 0;
}

static void print_frame(FILE *out, const struct symbol *s, uintptr_t pc)
{
    if (s->file[0] == '\0')
        fprintf(out, "  %s() at 0x%" PRIxPTR "\n", s->function, pc);
    else if (s->line == 0)
        fprintf(out, "  %s() %s\n", s->function, s->file);
    else
        fprintf(out, "  %s() %s:%d\n", s->function, s->file, s->line);
}

bool stack_print(FILE *out, const uintptr_t *pcs, size_t count,
                 bool first_exact)
{
    bool printed = false;
    for (size_t i = 0; i < count; i++) {
        struct symbol s;
        symbolize(pcs[i], i == 0 && first_exact, &s);
        if (symbol_is_start(&s))
            break;
        if (symbol_is_internal(&s)) {
            if (printed)
                break;
            continue;
        }
        print_frame(out, &s, pcs[i]);
        printed = true;
    }
    return printed;
}

bool stack_first_user_frame(const uintptr_t *pcs, size_t count,
                            struct symbol *out)
{
    for (size_t i = 0; i < count; i++) {
        symbolize(pcs[i], false, out);
        if (symbol_is_start(out))
            return false;
        if (!symbol_is_internal(out))
            return true;
    }
    return false;
}
