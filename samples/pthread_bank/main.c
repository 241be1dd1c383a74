/*
 * A bank in plain pthreads, with a lost update: deposit() reads the
 * balance under the lock, lets go of it to "log" the transaction, and
 * writes the new balance back under the lock again. Two tellers that
 * interleave there lose a deposit; main's check fails. No line of this
 * program knows about weft:
 *     weft test --pthread build/samples/pthread_bank
 */
#undef NDEBUG /* the build's RelWithDebInfo defines it: this assert is
                 the sample's point */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long balance;

static void deposit(long amount)
{
    pthread_mutex_lock(&lock);
    long seen = balance;
    pthread_mutex_unlock(&lock);
    /* ... write the transaction to the log, without the lock ... */
    pthread_mutex_lock(&lock);
    balance = seen + amount;
    pthread_mutex_unlock(&lock);
}

static void *teller(void *amount)
{
    deposit(*(long *)amount);
    return NULL;
}

int main(void)
{
    long amounts[2] = {100, 50};
    pthread_t tellers[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&tellers[i], NULL, teller, &amounts[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(tellers[i], NULL);
    printf("balance: %ld\n", balance);
    assert(balance == 150);
    return 0;
}
