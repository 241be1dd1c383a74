/* Tests of support/stack.c: capture, symbolization, the internal-frame rule
 * and the trimmed printing. Built with -O0 so every call keeps its frame. */
#define _GNU_SOURCE
#include "stack.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char test_file[] = "tests/support/stack.c";

/* Evaluates call after noting the line it stands on in chain.lines[slot]. */
#define AT_LINE(slot, call) (chain.lines[slot] = __LINE__, call)

/* What the chain test body -> outer -> middle -> inner saw. */
static struct {
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t count;
    int lines[4]; /* of the calls in inner, middle, outer, the test body */
} chain;

static __attribute__((noinline)) void inner(size_t skip)
{
    size_t max = STACK_MAX_FRAMES;
    chain.count = AT_LINE(0, stack_capture(chain.pcs, max, skip));
}

static __attribute__((noinline)) void middle(size_t skip)
{
    AT_LINE(1, inner(skip));
}

static __attribute__((noinline)) void outer(size_t skip)
{
    AT_LINE(2, middle(skip));
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t length = strlen(s), suffix_length = strlen(suffix);
    return length >= suffix_length &&
           strcmp(s + length - suffix_length, suffix) == 0;
}

static void expect_frame(uintptr_t pc, const char *function, int line)
{
    struct symbol s;
    cr_assert(symbolize(pc, false, &s));
    cr_expect_str_eq(s.function, function);
    cr_expect(ends_with(s.file, test_file), "file %s", s.file);
    cr_expect_eq(s.line, line, "%s: line %d, want %d", function, s.line, line);
}

/* Makes the working directory the repository root, under which this file
 * symbolizes as a relative path. */
static void enter_repository_root(void)
{
    static char root[256];
    struct symbol s;
    cr_assert_eq(chdir("/"), 0);
    cr_assert(symbolize((uintptr_t)enter_repository_root, true, &s));
    cr_assert(s.file[0] == '/' && ends_with(s.file, test_file), "%s", s.file);
    snprintf(root, sizeof root, "%.*s",
             (int)(strlen(s.file) - sizeof test_file), s.file);
    cr_assert_eq(chdir(root), 0, "chdir %s", root);
}

Test(stack, capture_names_each_call_of_the_chain)
{
    AT_LINE(3, outer(0));
    cr_assert_geq(chain.count, 4);
    expect_frame(chain.pcs[0], "inner", chain.lines[0]);
    expect_frame(chain.pcs[1], "middle", chain.lines[1]);
    expect_frame(chain.pcs[2], "outer", chain.lines[2]);
    expect_frame(chain.pcs[3],
                 "stack_capture_names_each_call_of_the_chain_impl",
                 chain.lines[3]);
}

Test(stack, capture_skips_callers_frames)
{
    outer(2);
    cr_assert_geq(chain.count, 2);
    expect_frame(chain.pcs[0], "outer", chain.lines[2]);
}

Test(stack, capture_stops_at_max)
{
    uintptr_t pcs[2];
    cr_expect_eq(stack_capture(pcs, 2, 0), 2);
    cr_expect_eq(stack_capture(pcs, 0, 0), 0);
}

Test(stack, symbolize_exact_pc_names_the_function)
{
    struct symbol s;
    cr_assert(symbolize((uintptr_t)middle, true, &s));
    cr_expect_str_eq(s.function, "middle");
    cr_expect(ends_with(s.file, test_file), "file %s", s.file);
}

Test(stack, symbolize_reports_unknown_pc)
{
    struct symbol s;
    cr_expect_not(symbolize(8, false, &s));
    cr_expect_str_eq(s.function, "??");
    cr_expect_str_eq(s.file, "");
    cr_expect_eq(s.line, 0);
}

Test(stack, file_is_relative_under_working_directory)
{
    enter_repository_root();
    struct symbol s;
    cr_assert(symbolize((uintptr_t)middle, true, &s));
    cr_expect_str_eq(s.file, test_file);
    cr_assert_eq(chdir("/proc"), 0);
    cr_assert(symbolize((uintptr_t)middle, true, &s));
    cr_expect(s.file[0] == '/' && ends_with(s.file, test_file), "%s", s.file);
}

static void *capture_and_symbolize(void *unused)
{
    (void)unused;
    outer(0);
    expect_frame(chain.pcs[0], "inner", chain.lines[0]);
    return NULL;
}

/* A goroutine's stack is 64 KiB; libdw alone wants more the first time it
 * reads a line table. */
Test(stack, capture_and_first_symbolize_fit_a_goroutine_stack)
{
    pthread_attr_t attributes;
    pthread_t thread;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 64 * 1024);
    cr_assert_eq(
        pthread_create(&thread, &attributes, capture_and_symbolize, NULL), 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attributes);
}

static char *print_to_string(const uintptr_t *pcs, size_t count)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    cr_assert_not_null(out);
    stack_print(out, pcs, count, false);
    fclose(out);
    return text;
}

Test(stack, print_shows_user_frames_innermost_first)
{
    enter_repository_root();
    AT_LINE(3, outer(0));
    char *text = print_to_string(chain.pcs, chain.count);
    char expected[512];
    snprintf(expected, sizeof expected,
             "  inner() %s:%d\n  middle() %s:%d\n  outer() %s:%d\n"
             "  stack_print_shows_user_frames_innermost_first_impl()"
             " %s:%d\n",
             test_file, chain.lines[0], test_file, chain.lines[1], test_file,
             chain.lines[2], test_file, chain.lines[3]);
    cr_expect(strncmp(text, expected, strlen(expected)) == 0, "got:\n%s", text);
    cr_expect_null(strstr(text, "__libc_start"), "got:\n%s", text);
    cr_expect_null(strstr(text, "_start()"), "got:\n%s", text);
    free(text);
}

Test(stack, print_of_unknown_pc_shows_the_address)
{
    uintptr_t pcs[] = {0x1234};
    char *text = print_to_string(pcs, 1);
    cr_expect_str_eq(text, "  ?\?() at 0x1234\n");
    free(text);
}

#ifdef WEFT_SOURCE_DIR
/* Functions of support/stack.c stand in for weft's own frames. */
Test(stack, print_trims_internal_frames)
{
    enter_repository_root();
    outer(0);
    uintptr_t pcs[] = {
        (uintptr_t)stack_print + 1, chain.pcs[0], chain.pcs[1],
        (uintptr_t)symbolize + 1,   chain.pcs[2],
    };
    char *text = print_to_string(pcs, 5);
    char expected[256];
    snprintf(expected, sizeof expected, "  inner() %s:%d\n  middle() %s:%d\n",
             test_file, chain.lines[0], test_file, chain.lines[1]);
    cr_expect_str_eq(text, expected);
    free(text);

    struct symbol s;
    cr_expect(stack_first_user_frame(pcs, 5, &s));
    cr_expect_str_eq(s.function, "inner");
    cr_expect_not(stack_first_user_frame(pcs, 1, &s));
    text = print_to_string(pcs, 1);
    cr_expect_str_eq(text, "");
    free(text);
}

Test(stack, internal_means_under_weft_layers)
{
    struct symbol s = {"chan_send", WEFT_SOURCE_DIR "/runtime/chan.c", 12};
    cr_expect(symbol_is_internal(&s));
    snprintf(s.file, sizeof s.file, "%s", WEFT_SOURCE_DIR "/detector/shadow.c");
    cr_expect(symbol_is_internal(&s));
    snprintf(s.file, sizeof s.file, "%s", WEFT_SOURCE_DIR "/harness/pct.c");
    cr_expect(symbol_is_internal(&s));
    snprintf(s.file, sizeof s.file, "%s",
             WEFT_SOURCE_DIR "/tests/runtime/chan.c");
    cr_expect_not(symbol_is_internal(&s));
    snprintf(s.file, sizeof s.file, "%s", WEFT_SOURCE_DIR "/runtimes/x.c");
    cr_expect_not(symbol_is_internal(&s));
    snprintf(s.file, sizeof s.file, "%s", "/elsewhere/runtime/chan.c");
    cr_expect_not(symbol_is_internal(&s));
}

Test(stack, internal_relative_path_resolves_against_working_directory)
{
    cr_assert_eq(chdir(WEFT_SOURCE_DIR), 0);
    struct symbol s = {"chan_send", "runtime/chan.c", 12};
    cr_expect(symbol_is_internal(&s));
    cr_assert_eq(chdir(WEFT_SOURCE_DIR "/runtime"), 0);
    snprintf(s.file, sizeof s.file, "%s", "chan.c");
    cr_expect(symbol_is_internal(&s));
    cr_assert_eq(chdir("/"), 0);
    cr_expect_not(symbol_is_internal(&s));
}
#endif

Test(stack, internal_by_name_only_when_file_unknown)
{
    struct symbol s = {"weft_context_start", "", 0};
    cr_expect(symbol_is_internal(&s));
    snprintf(s.file, sizeof s.file, "%s", "/elsewhere/user.c");
    cr_expect_not(symbol_is_internal(&s));
    struct symbol user = {"main", "", 0};
    cr_expect_not(symbol_is_internal(&user));
}
