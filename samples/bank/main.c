/*
 * The bank account check-then-act bug: two withdrawals each check the
 * balance and then take the money, in two separate critical sections. Each
 * section is locked, yet the pair is not atomic: under an unlucky schedule
 * both checks pass before either withdrawal, and the account goes negative.
 * The fix holds the lock across the check and the act.
 *
 *     weft test ./bank            finds the bug, minimises and explains it
 *     weft replay ./bank ...      replays the printed schedule
 */
#include <weft.h>

struct account {
    weft_mutex lock;
    int balance;
};

struct withdrawal {
    struct account *account;
    int amount;
    weft_waitgroup *done;
};

static void withdraw_check_then_act(void *arg)
{
    struct withdrawal *w = arg;
    weft_mutex_lock(&w->account->lock);
    int enough = w->account->balance >= w->amount; /* check ... */
    weft_mutex_unlock(&w->account->lock);
    if (enough) {
        weft_mutex_lock(&w->account->lock);
        w->account->balance -= w->amount; /* ... then act */
        weft_mutex_unlock(&w->account->lock);
    }
    weft_waitgroup_done(w->done);
}

static void withdraw_atomically(void *arg)
{
    struct withdrawal *w = arg;
    weft_mutex_lock(&w->account->lock);
    if (w->account->balance >= w->amount)
        w->account->balance -= w->amount;
    weft_mutex_unlock(&w->account->lock);
    weft_waitgroup_done(w->done);
}

static void two_withdrawals(weft_fn withdraw)
{
    struct account account = {.balance = 100};
    weft_waitgroup done = {0};
    struct withdrawal w = {&account, 80, &done};
    weft_waitgroup_add(&done, 2);
    weft_go(withdraw, &w);
    weft_go(withdraw, &w);
    weft_waitgroup_wait(&done);
    weft_assert(account.balance >= 0, "balance went negative: %d",
                account.balance);
}

WEFT_TEST(check_then_act)
{
    two_withdrawals(withdraw_check_then_act);
}

WEFT_TEST(check_and_act_atomically)
{
    two_withdrawals(withdraw_atomically);
}
