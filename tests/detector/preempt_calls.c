/* WEFT_OPTIONS preempt_calls=1 (detector/tsan_abi.c, runtime_call_point in
 * runtime/sched.c): an instrumented function's entry is a scheduling point,
 * so a goroutine spinning in a loop that makes no weft call, but calls a
 * function, no longer keeps the main goroutine from returning: under FIFO
 * it yields there, under a seed the strategy may switch. Without the option
 * each run below would spin forever. The test runs with the option set
 * (CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "race_test.h"

static bool main_returned;

__attribute__((noinline)) static void spin_once(unsigned long *spins)
{
    ++*spins;
}

static void spin_forever(void *arg)
{
    (void)arg;
    unsigned long spins = 0; /* its own: no race with anyone */
    for (;;)
        spin_once(&spins);
}

static void start_spinner_and_return(void *arg)
{
    (void)arg;
    main_returned = false;
    weft_go(spin_forever, NULL);
    weft_yield(); /* the spinner runs, and has to give the thread back */
    main_returned = true;
}

/* The trace of start_spinner_and_return under strategy (NULL: FIFO). */
static char *traced(struct weft_strategy *strategy)
{
    char *text = NULL;
    size_t length = 0;
    FILE *trace = open_memstream(&text, &length);
    weft_run(start_spinner_and_return, NULL,
             &(struct weft_config){.strategy = strategy, .trace_file = trace});
    fclose(trace);
    return text;
}

Test(preempt_calls, under_fifo_a_spinning_goroutine_yields_at_its_first_call)
{
    char *text = traced(NULL);
    cr_assert(main_returned);
    /* every entry yields: start_spinner_and_return's, then spin_once's */
    cr_assert_str_eq(text, "1 g1 yield\n2 g1 go\n3 g1 yield\n4 g2 yield\n");
    free(text);
}

Test(preempt_calls, under_every_seed_the_main_goroutine_returns)
{
    for (uint64_t seed = 1; seed <= RACE_TEST_SEEDS; seed++) {
        main_returned = false;
        races_under(start_spinner_and_return, seed);
        cr_assert(main_returned, "seed %llu", (unsigned long long)seed);
    }
}

Test(preempt_calls, under_a_seed_a_trace_names_the_point_a_call)
{
    struct weft_random_strategy random;
    weft_strategy_random_init(&random, 1);
    char *text = traced(&random.base);
    cr_assert(main_returned);
    cr_assert(strstr(text, " g2 call\n"), "%s", text);
    free(text);
}
