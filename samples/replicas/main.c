/*
 * Query a replicated database, from "Concurrency is not parallelism": ask
 * every replica at once and take the first answer. The channel is buffered
 * with room for every replica, so the losers' sends complete and their
 * goroutines end. With an unbuffered channel nobody receives the losers'
 * answers: they block forever, and weft test reports them as leaked.
 */
#include <weft.h>

struct result {
    int replica;
    int rows;
};

WEFT_CHAN_TYPE(result_chan, struct result)

enum { REPLICAS = 3 };

struct conn {
    int replica;
    int64_t latency_ns;
};

/* The replicas hold the same data; the second is the fastest today. */
static const struct conn conns[REPLICAS] = {
    {0, 30 * WEFT_MILLISECOND},
    {1, 10 * WEFT_MILLISECOND},
    {2, 20 * WEFT_MILLISECOND},
};

static struct result do_query(const struct conn *c, const char *query)
{
    (void)query;
    weft_sleep(c->latency_ns);
    return (struct result){c->replica, 42};
}

struct call {
    const struct conn *conn;
    const char *query;
    result_chan *answers;
};

static void ask_replica(void *arg)
{
    struct call *call = arg;
    result_chan_send(call->answers, do_query(call->conn, call->query));
}

static struct call calls[REPLICAS];

/* Returns the first answer, from a channel with room for capacity answers. */
static struct result query(const char *q, size_t capacity)
{
    result_chan *answers = result_chan_make(capacity);
    for (int i = 0; i < REPLICAS; i++) {
        calls[i] = (struct call){&conns[i], q, answers};
        weft_go(ask_replica, &calls[i]);
    }
    /* the channel is left to the losers, which still send on it */
    return result_chan_recv(answers);
}

static void check_first_answer(struct result r, int64_t started_at)
{
    weft_assert(r.rows == 42, "replica %d answered %d rows", r.replica, r.rows);
    /* on the virtual clock the fastest replica always answers first */
    weft_assert(r.replica == 1, "replica %d answered first", r.replica);
    weft_assert(weft_now() - started_at == 10 * WEFT_MILLISECOND,
                "answered after %lld ns", (long long)(weft_now() - started_at));
}

WEFT_TEST(buffered_first_answer_wins)
{
    int64_t start = weft_now();
    check_first_answer(query("SELECT 42", REPLICAS), start);
}

WEFT_TEST(unbuffered_leaks_the_losers)
{
    int64_t start = weft_now();
    check_first_answer(query("SELECT 42", 0), start);
}
