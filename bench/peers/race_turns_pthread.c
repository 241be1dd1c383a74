/* TSan's peer of race_turns.c: the same workload (RACE_WORKLOAD), its
 * passes handed back and forth between the main thread and a partner
 * thread with two semaphores. bench/run builds it plain and with
 * -fsanitize=thread, by gcc and by clang. */
#include "../bench.h"

#include <pthread.h>
#include <semaphore.h>

#ifndef RACE_WORKLOAD
#define RACE_WORKLOAD "../race_loop.h"
#endif
#include RACE_WORKLOAD

static sem_t partner_turn, main_turn;
static long next_pass;

static void *partner(void *arg)
{
    (void)arg;
    for (;;) {
        sem_wait(&partner_turn);
        if (next_pass < 0)
            return NULL;
        race_pass(next_pass);
        next_pass++;
        sem_post(&main_turn);
    }
}

int main(int argc, char **argv)
{
    long passes = bench_count(argc, argv, RACE_PASSES);
    sem_init(&partner_turn, 0, 0);
    sem_init(&main_turn, 0, 0);
    race_fill();
    pthread_t thread;
    pthread_create(&thread, NULL, partner, NULL);

    double start = bench_now_ns();
    while (next_pass < passes) {
        race_pass(next_pass);
        next_pass++;
        sem_post(&partner_turn);
        sem_wait(&main_turn);
    }
    double elapsed = bench_now_ns() - start;
    next_pass = -1;
    sem_post(&partner_turn);
    pthread_join(thread, NULL);
    race_report(elapsed, passes);
    return 0;
}
