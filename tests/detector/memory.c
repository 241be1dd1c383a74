/* What races at the byte level: mixed sizes and alignments, struct fields,
 * arrays, the heap's reuse, and libc's memory routines. */
#include <stdlib.h>
#include <string.h>

#include "race_test.h"

static weft_waitgroup done;

/* Runs a and b as two goroutines that do not synchronise, then waits. */
static void concurrently(weft_fn a, weft_fn b, void *arg)
{
    weft_waitgroup_add(&done, 2);
    weft_go(a, arg);
    weft_go(b, arg);
    weft_waitgroup_wait(&done);
}

/* ---- mixed sizes ---- */

static uint64_t word;

static void write_low_half(void *arg)
{
    (void)arg;
    ((volatile uint32_t *)&word)[0] = 1;
    weft_waitgroup_done(&done);
}

static void write_high_half(void *arg)
{
    (void)arg;
    ((volatile uint32_t *)&word)[1] = 2;
    weft_waitgroup_done(&done);
}

static void write_whole_word(void *arg)
{
    (void)arg;
    *(volatile uint64_t *)&word = 3;
    weft_waitgroup_done(&done);
}

static void read_one_byte_inside(void *arg)
{
    (void)arg;
    char seen = ((volatile char *)&word)[5];
    (void)seen;
    weft_waitgroup_done(&done);
}

static void halves(void *arg)
{
    concurrently(write_low_half, write_high_half, arg);
}

static void word_and_byte(void *arg)
{
    concurrently(write_whole_word, read_one_byte_inside, arg);
}

static void unaligned_writes(void *arg);

Test(memory, two_halves_of_a_word_do_not_race)
{
    expect_no_race(halves);
}

Test(memory, a_word_races_with_a_byte_inside_it)
{
    expect_race_always(word_and_byte);
}

/* ---- unaligned, across two words ---- */

static char bytes[24] __attribute__((aligned(8)));

static void write_across_words(void *arg)
{
    (void)arg;
    uint64_t v = 7;
    memcpy((char *)bytes + 5, &v, sizeof v); /* an unaligned 8-byte store */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    weft_waitgroup_done(&done);
}

static void read_byte_in_second_word(void *arg)
{
    (void)arg;
    char seen = ((volatile char *)bytes)[12];
    (void)seen;
    weft_waitgroup_done(&done);
}

static void read_byte_after(void *arg)
{
    (void)arg;
    char seen = ((volatile char *)bytes)[13];
    (void)seen;
    weft_waitgroup_done(&done);
}

static void unaligned_writes(void *arg)
{
    concurrently(write_across_words, read_byte_in_second_word, arg);
}

static void unaligned_neighbours(void *arg)
{
    concurrently(write_across_words, read_byte_after, arg);
}

Test(memory, unaligned_access_races_in_the_second_word)
{
    expect_race_always(unaligned_writes);
}

Test(memory, unaligned_access_leaves_the_next_byte_alone)
{
    expect_no_race(unaligned_neighbours);
}

/* ---- struct fields and arrays ---- */

static struct {
    char flag;
    short count;
    int total;
    long sum;
} fields;
static int array[16];

static void write_fields_a(void *arg)
{
    (void)arg;
    fields.flag = 1;
    fields.total = 2;
    weft_waitgroup_done(&done);
}

static void write_fields_b(void *arg)
{
    bool same = arg != NULL;
    fields.count = 3;
    if (same)
        fields.total = 4;
    else
        fields.sum = 5;
    weft_waitgroup_done(&done);
}

static void distinct_fields(void *arg)
{
    (void)arg;
    concurrently(write_fields_a, write_fields_b, NULL);
}

static void same_field(void *arg)
{
    (void)arg;
    concurrently(write_fields_a, write_fields_b, (void *)1);
}

static void fill_even(void *arg)
{
    int shift = arg ? 1 : 0;
    for (int i = 0; i < 16; i += 2)
        array[i + shift * (i == 8)] = i;
    weft_waitgroup_done(&done);
}

static void fill_odd(void *arg)
{
    (void)arg;
    for (int i = 1; i < 16; i += 2)
        array[i] = i;
    weft_waitgroup_done(&done);
}

static void interleaved_elements(void *arg)
{
    (void)arg;
    concurrently(fill_even, fill_odd, NULL);
}

static void overlapping_element(void *arg)
{
    (void)arg;
    concurrently(fill_even, fill_odd, (void *)1);
}

Test(memory, distinct_struct_fields_do_not_race)
{
    expect_no_race(distinct_fields);
}

Test(memory, the_same_struct_field_races)
{
    expect_race_always(same_field);
}

Test(memory, distinct_array_elements_do_not_race)
{
    expect_no_race(interleaved_elements);
}

Test(memory, one_shared_array_element_races)
{
    expect_race_always(overlapping_element);
}

/* ---- loops: one access site, many bytes of a word ---- */

static char letters[8] __attribute__((aligned(8)));

static void write_every_byte(void *arg)
{
    (void)arg;
    for (int i = 0; i < 8; i++)
        ((volatile char *)letters)[i] = 'a';
    weft_waitgroup_done(&done);
}

static void read_first_byte(void *arg)
{
    (void)arg;
    char seen = ((volatile char *)letters)[0];
    (void)seen;
    weft_waitgroup_done(&done);
}

static void byte_loop_and_reader(void *arg)
{
    concurrently(write_every_byte, read_first_byte, arg);
}

/* Eight one-byte writes to a word by one instruction share a cell: the
 * first byte's write is not pushed out of the word's four cells. */
Test(memory, a_byte_loop_keeps_every_byte)
{
    expect_race_always(byte_loop_and_reader);
}

static int pair[2] __attribute__((aligned(8)));

static void write_second(void *arg)
{
    (void)arg;
    ((volatile int *)pair)[1] = 1;
    weft_waitgroup_done(&done);
}

/* Reads both elements with one instruction; arg: yield between them. */
static void read_both(void *arg)
{
    int sum = 0;
    for (int i = 0; i < 2; i++) {
        sum += ((volatile int *)pair)[i];
        if (arg)
            weft_yield();
    }
    (void)sum;
    weft_waitgroup_done(&done);
}

static void loop_reader_and_writer(void *arg)
{
    (void)arg;
    concurrently(read_both, write_second, NULL);
}

/* The write may come between the two reads, in the reader's epoch. */
static void loop_reader_and_writer_yielding(void *arg)
{
    (void)arg;
    concurrently(read_both, write_second, (void *)1);
}

/* The loop's reads share a cell; the second still meets the write. */
Test(memory, a_loop_read_races_with_a_write_to_its_second_element)
{
    expect_race_always(loop_reader_and_writer);
    expect_race_always(loop_reader_and_writer_yielding);
}

/* ---- the heap ---- */

WEFT_CHAN_TYPE(ptr_chan, int *)
static ptr_chan *handoff;

static void use_then_free(void *arg)
{
    int *p = malloc(64 * sizeof *p);
    p[3] = 1;
    bool free_after_send = arg != NULL;
    ptr_chan_send(handoff, p);
    if (free_after_send)
        free(p); /* the receiver may still use it: a race */
    weft_waitgroup_done(&done);
}

static void receive_and_read(void *arg)
{
    bool owner_frees = arg != NULL;
    int *p = ptr_chan_recv(handoff);
    int seen = p[3];
    (void)seen;
    if (!owner_frees)
        free(p);
    weft_waitgroup_done(&done);
}

static void heap_handoff(void *arg)
{
    handoff = ptr_chan_make(1);
    concurrently(use_then_free, receive_and_read, arg);
    ptr_chan_free(handoff);
}

static void heap_handoff_ok(void *arg)
{
    (void)arg;
    heap_handoff(NULL);
}

static void heap_use_after_free(void *arg)
{
    (void)arg;
    heap_handoff((void *)1);
}

static void allocate_and_write(void *arg)
{
    (void)arg;
    for (int round = 0; round < 4; round++) {
        int *p = malloc(32 * sizeof *p);
        for (int i = 0; i < 32; i++)
            p[i] = i;
        free(p);
        weft_yield();
    }
    weft_waitgroup_done(&done);
}

static void reuse_after_free(void *arg)
{
    (void)arg;
    concurrently(allocate_and_write, allocate_and_write, NULL);
}

Test(memory, heap_block_handed_over_does_not_race)
{
    expect_no_race(heap_handoff_ok);
}

Test(memory, free_races_with_an_unordered_use)
{
    expect_race_always(heap_use_after_free);
}

Test(memory, reused_heap_memory_starts_clean)
{
    expect_no_race(reuse_after_free);
}

/* ---- libc routines ---- */

static char text[64] = "hello, world";
static char copy_a[64], copy_b[64];
/* through volatile pointers, so the compiler cannot expand the calls */
static char *volatile copy_a_ptr = copy_a;
static const char *volatile goodbye = "goodbye";

static void memcpy_from_text(void *arg)
{
    (void)arg;
    memcpy(copy_a_ptr, text, sizeof text);
    weft_waitgroup_done(&done);
}

static void memcpy_into_b(void *arg)
{
    (void)arg;
    memcpy(copy_b, text, sizeof text);
    weft_waitgroup_done(&done);
}

static void strlen_of_text(void *arg)
{
    (void)arg;
    cr_assert_eq(strlen(text), 12);
    weft_waitgroup_done(&done);
}

static void memset_text(void *arg)
{
    (void)arg;
    memset(text + 4, 'o', 2);
    weft_waitgroup_done(&done);
}

static void strcpy_into_copy(void *arg)
{
    (void)arg;
    strcpy(copy_a_ptr, goodbye);
    weft_waitgroup_done(&done);
}

static void strcmp_copy(void *arg)
{
    (void)arg;
    int order = strcmp(copy_a_ptr, goodbye);
    (void)order;
    weft_waitgroup_done(&done);
}

static void libc_readers(void *arg)
{
    (void)arg;
    concurrently(memcpy_from_text, strlen_of_text, NULL);
    concurrently(memcpy_from_text, memcpy_into_b, NULL);
}

static void libc_memset_vs_strlen(void *arg)
{
    (void)arg;
    concurrently(memset_text, strlen_of_text, NULL);
    memcpy(text, "hello, world", 13);
}

static void libc_strcpy_vs_strcmp(void *arg)
{
    (void)arg;
    concurrently(strcpy_into_copy, strcmp_copy, NULL);
}

Test(memory, libc_readers_do_not_race)
{
    expect_no_race(libc_readers);
}

Test(memory, memset_races_with_strlen)
{
    expect_race_always(libc_memset_vs_strlen);
}

Test(memory, strcpy_races_with_strcmp)
{
    expect_race_always(libc_strcpy_vs_strcmp);
}

/* ---- goroutine stacks are reused: a new owner starts clean ---- */

static __attribute__((noinline)) void fill(int *p, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = i;
}

/* locals whose address escapes are instrumented */
static __attribute__((noinline)) void scribble_on_stack(void)
{
    int locals[64];
    fill(locals, 64);
}

static void stack_user(void *arg)
{
    (void)arg;
    scribble_on_stack();
}

static void stack_reused_by_unordered_goroutine(void *arg)
{
    (void)arg;
    weft_go(stack_user, NULL);
    while (weft_goroutine_count() > 1) /* its end orders nothing */
        weft_yield();
    weft_go(stack_user, NULL); /* gets the first one's stack from the pool */
    while (weft_goroutine_count() > 1)
        weft_yield();
}

Test(memory, a_reused_goroutine_stack_starts_clean)
{
    expect_no_race(stack_reused_by_unordered_goroutine);
}
