/*
 * sync.Once, from the notes: a singleton created on first use by whichever
 * goroutine needs it first.
 *   once_singleton            weft_once_do: exactly one creation, and every
 *                             caller sees it complete (its end happens
 *                             before every return of once_do)
 *   unsynchronised_singleton  "if (!instance) instance = create()": the
 *                             check and the creation race, and the race
 *                             detector reports the pointer's read and write
 * Built with -fsanitize=thread (weft_race), run with `weft test`.
 */
#include <stdlib.h>
#include <weft.h>

enum { USERS = 4 };

struct connection {
    int port;
    bool ready;
};

static struct connection *instance;
static int connections_made;

static struct connection *connect(void)
{
    struct connection *c = malloc(sizeof *c);
    c->port = 5432;
    weft_yield(); /* connecting takes a while */
    c->ready = true;
    connections_made++;
    return c;
}

/* ---- the fix: once ---- */

static weft_once once;

static void create_instance(void *arg)
{
    (void)arg;
    instance = connect();
}

static struct connection *get_connection(void)
{
    weft_once_do(&once, create_instance, NULL);
    return instance;
}

/* ---- the bug: check, then create ---- */

static struct connection *get_connection_unsynchronised(void)
{
    if (!instance)
        instance = connect();
    return instance;
}

static struct connection *(*get)(void);
static weft_waitgroup done;

static void use_connection(void *arg)
{
    struct connection **seen = arg;
    *seen = get();
    weft_assert((*seen)->ready, "connection to %d not ready", (*seen)->port);
    weft_waitgroup_done(&done);
}

static void run(struct connection *(*getter)(void))
{
    get = getter;
    struct connection *seen[USERS];
    weft_waitgroup_add(&done, USERS);
    for (int i = 0; i < USERS; i++)
        weft_go(use_connection, &seen[i]);
    weft_waitgroup_wait(&done);
    weft_assert(connections_made == 1, "%d connections made", connections_made);
    for (int i = 1; i < USERS; i++)
        weft_assert(seen[i] == seen[0], "two different instances");
}

WEFT_TEST(once_singleton)
{
    run(get_connection);
}

WEFT_TEST(unsynchronised_singleton)
{
    run(get_connection_unsynchronised);
}
