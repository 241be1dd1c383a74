/*
 * The strategies a schedule runs under, behind one weft_strategy:
 *  - random: a uniform choice at every point;
 *  - pct:D:K (probabilistic concurrency testing, Burckhardt et al.): each
 *    goroutine gets a random priority when first seen, the highest-priority
 *    runnable one runs, and at D-1 random steps in [1, K] the running
 *    goroutine drops below all others. A bug of depth D among n goroutines
 *    and K steps is found with probability at least 1/(n K^(D-1)) a run;
 *  - dfs: no preemption of its own (option 0 everywhere); the explorer
 *    forces the decisions that enumerate the rest.
 * Forced decisions (a replayed schedule string, a dfs prefix) come first.
 * Every decision is recorded in the shared log, so the parent can read it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exit_status.h"
#include "harness.h"
#include "harness_hooks.h"

bool strategy_spec_parse(const char *text, struct strategy_spec *out)
{
    char *end;
    *out = (struct strategy_spec){0};
    if (strcmp(text, "random") == 0) {
        out->kind = STRATEGY_RANDOM;
        return true;
    }
    if (strcmp(text, "confirm") == 0) { /* replays only: see harness.h */
        out->kind = STRATEGY_CONFIRM;
        return true;
    }
    bool pct = strncmp(text, "pct", 3) == 0;
    bool dfs = strncmp(text, "dfs", 3) == 0;
    if (!pct && !dfs)
        return false;
    out->kind = pct ? STRATEGY_PCT : STRATEGY_DFS;
    out->depth = pct ? 3 : 2;
    text += 3;
    if (*text == '\0')
        return true;
    if (*text++ != ':')
        return false;
    unsigned long depth = strtoul(text, &end, 10);
    if (end == text || depth < (pct ? 1 : 0) || depth > 8)
        return false;
    out->depth = (unsigned)depth;
    if (*end == '\0')
        return true;
    if (!pct && strcmp(end, ":full") == 0) {
        out->full = true;
        return true;
    }
    if (!pct || *end != ':')
        return false;
    text = end + 1;
    unsigned long long steps = strtoull(text, &end, 10);
    if (end == text || *end || steps == 0)
        return false;
    out->steps = steps;
    return true;
}

void strategy_spec_format(const struct strategy_spec *spec, char *out,
                          size_t size)
{
    switch (spec->kind) {
    case STRATEGY_RANDOM:
        snprintf(out, size, "random");
        break;
    case STRATEGY_PCT:
        snprintf(out, size, "pct:%u:%llu", spec->depth,
                 (unsigned long long)spec->steps);
        break;
    case STRATEGY_DFS:
        snprintf(out, size, "dfs:%u%s", spec->depth, spec->full ? ":full" : "");
        break;
    case STRATEGY_CONFIRM:
        snprintf(out, size, "confirm");
        break;
    }
}

struct decision_log *decision_log_create(size_t capacity)
{
    size_t option_capacity = capacity * 4;
    size_t decisions = capacity * sizeof(struct decision);
    size_t bytes = sizeof(struct decision_log) + decisions +
                   option_capacity * sizeof(struct weft_option);
    struct decision_log *log =
        mmap(NULL, bytes, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (log == MAP_FAILED)
        return NULL;
    log->capacity = capacity;
    log->option_capacity = option_capacity;
    log->options = (struct weft_option *)((char *)(log + 1) + decisions);
    return log;
}

static bool touches_nothing_shared(enum weft_op op)
{
    return op == WEFT_OP_START || op == WEFT_OP_EXIT || op == WEFT_OP_YIELD ||
           op == WEFT_OP_SPAWN;
}

/* Two descriptors may be the two ends of one connection: network
 * operations never commute with each other, whatever their objects. */
static bool is_network(enum weft_op op)
{
    return op >= WEFT_OP_NET_LISTEN && op <= WEFT_OP_NET_CLOSE;
}

bool transitions_dependent(const struct weft_option *a,
                           const struct weft_option *b)
{
    if (a->id == b->id)
        return true;
    if (touches_nothing_shared(a->op) || touches_nothing_shared(b->op))
        return false;
    if (is_network(a->op) && is_network(b->op))
        return true;
    if (a->object == 0 || b->object == 0)
        return true;
    return a->object == b->object;
}

/* ---- dfs: sleep sets ---- */

static bool asleep(const struct schedule_strategy *s,
                   const struct weft_option *t)
{
    for (size_t i = 0; i < s->sleep_count; i++)
        if (s->sleep[i].id == t->id && s->sleep[i].op == t->op &&
            s->sleep[i].object == t->object)
            return true;
    return false;
}

/* Executing t wakes every sleeping transition that does not commute. */
static void sleep_after(struct schedule_strategy *s,
                        const struct weft_option *t)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->sleep_count; i++)
        if (!transitions_dependent(&s->sleep[i], t))
            s->sleep[kept++] = s->sleep[i];
    s->sleep_count = kept;
}

_Noreturn static void pruned(void)
{
    fflush(NULL);
    _exit(WEFT_EXIT_PRUNED);
}

static size_t dfs_choose(struct schedule_strategy *s,
                         const struct weft_choice *c)
{
    if (c->kind != WEFT_CHOOSE_GOROUTINE)
        return 0;
    for (size_t i = 0; i < c->count; i++)
        if (!asleep(s, &c->options[i]))
            return i;
    pruned(); /* every continuation was explored from an ancestor */
}

/* ---- pct ---- */

static uint64_t *priority_of(struct schedule_strategy *s, uint64_t id)
{
    for (size_t i = 0; i < s->priority_count; i++)
        if (s->priority_ids[i] == id)
            return &s->priorities[i];
    if (s->priority_count == s->priority_capacity) {
        size_t capacity = s->priority_capacity ? s->priority_capacity * 2 : 16;
        s->priority_ids = realloc(s->priority_ids, capacity * sizeof(uint64_t));
        s->priorities = realloc(s->priorities, capacity * sizeof(uint64_t));
        if (!s->priority_ids || !s->priorities)
            abort();
        s->priority_capacity = capacity;
    }
    s->priority_ids[s->priority_count] = id;
    /* initial priorities lie above every change-point priority */
    s->priorities[s->priority_count] = weft_random_next(s->rng) | 1ull << 63;
    return &s->priorities[s->priority_count++];
}

static size_t pct_choose(struct schedule_strategy *s,
                         const struct weft_choice *c)
{
    if (c->kind != WEFT_CHOOSE_GOROUTINE)
        return (size_t)weft_random_below(s->rng, c->count);
    for (unsigned i = 0; i < s->change_count; i++)
        if (s->change_points[i] && c->step >= s->change_points[i]) {
            s->change_points[i] = 0;
            *priority_of(s, c->current) = i + 1;
        }
    size_t best = 0;
    uint64_t best_priority = 0;
    for (size_t i = 0; i < c->count; i++) {
        uint64_t p = *priority_of(s, c->options[i].id);
        if (p > best_priority) {
            best = i;
            best_priority = p;
        }
    }
    return best;
}

/* ---- confirm ---- */

/* Uniform among the goroutines not about to close the targeted cycle; one
 * that is runs only when every option is (then each holds its first lock,
 * and running them deadlocks). */
static size_t confirm_choose(struct schedule_strategy *s,
                             const struct weft_choice *c)
{
    size_t free_count = 0;
    if (c->kind == WEFT_CHOOSE_GOROUTINE)
        for (size_t i = 0; i < c->count; i++)
            free_count += !c->options[i].inverted_lock;
    if (free_count == 0 || free_count == c->count)
        return (size_t)weft_random_below(s->rng, c->count);
    uint64_t pick = weft_random_below(s->rng, free_count);
    for (size_t i = 0;; i++)
        if (!c->options[i].inverted_lock && pick-- == 0)
            return i;
}

/* ---- the strategy ---- */

_Noreturn static void step_limit_exceeded(uint64_t steps)
{
    fflush(stdout);
    fprintf(stderr,
            "hang: the schedule exceeded %llu steps (a livelock, or raise "
            "--max-steps)\n\n",
            (unsigned long long)steps);
    runtime_print_current_goroutine(stderr);
    fflush(stderr);
    _exit(WEFT_EXIT_HANG);
}

_Noreturn static void diverged(uint64_t decision, uint32_t index, size_t count)
{
    fflush(stdout);
    fprintf(stderr,
            "weft: the schedule does not fit this program: decision %llu "
            "chooses option %u of %zu (was the test or binary changed?)\n",
            (unsigned long long)decision, index, count);
    fflush(stderr);
    _exit(WEFT_EXIT_PANIC);
}

/* Minimising edits schedules, so a forced decision applies where it was
 * made: the same kind of choice, by the same goroutine, at the same point
 * of its own run. Goroutine choices name the goroutine; one that cannot
 * run now, or a choice no decision was made at, takes option 0 (going on,
 * or the longest runnable). */
static bool postponed(const struct schedule_strategy *s, uint64_t id)
{
    for (size_t i = 0; i < s->postponed_count; i++)
        if (s->postponed[i] == id)
            return true;
    return false;
}

/* Where the current goroutine cannot go on, anyone not postponed rather
 * than a postponed one. */
static size_t avoid_postponed(const struct schedule_strategy *s,
                              const struct weft_choice *c, size_t index)
{
    if (c->kind != WEFT_CHOOSE_GOROUTINE || c->current_can_continue ||
        !postponed(s, c->options[index].id))
        return index;
    for (size_t i = 0; i < c->count; i++)
        if (!postponed(s, c->options[i].id))
            return i;
    return index;
}

static size_t forced_by_key(const struct schedule_strategy *s,
                            const struct weft_choice *c)
{
    bool goroutine = c->kind == WEFT_CHOOSE_GOROUTINE;
    for (size_t i = 0; i < s->forced_count; i++) {
        const struct decision *d = &s->forced[i];
        if (d->current_id != c->current ||
            d->current_points != c->current_points ||
            d->goroutine != goroutine ||
            d->preemptible != c->current_can_continue)
            continue;
        if (!goroutine)
            return d->index < c->count ? d->index : 0;
        for (size_t j = 0; j < c->count; j++)
            if (c->options[j].id == d->chosen_id)
                return j;
        return 0;
    }
    return 0;
}

static size_t schedule_choose(struct weft_strategy *self,
                              const struct weft_choice *c)
{
    struct schedule_strategy *s = (struct schedule_strategy *)self;
    struct decision_log *log = s->log;
    log->steps = c->step;
    if (s->max_steps && c->step > s->max_steps)
        step_limit_exceeded(s->max_steps);
    size_t index;
    if (s->forced_by_key) {
        index = avoid_postponed(s, c, forced_by_key(s, c));
    } else if (log->count < s->forced_count) {
        index = s->forced[log->count].index;
        if (index >= c->count)
            diverged(log->count, (uint32_t)index, c->count);
    } else if (s->spec.kind == STRATEGY_RANDOM) {
        index = (size_t)weft_random_below(s->rng, c->count);
    } else if (s->spec.kind == STRATEGY_PCT) {
        index = pct_choose(s, c);
    } else if (s->spec.kind == STRATEGY_CONFIRM) {
        index = confirm_choose(s, c);
    } else {
        index = dfs_choose(s, c);
    }
    if (s->spec.kind == STRATEGY_DFS && c->kind == WEFT_CHOOSE_GOROUTINE &&
        log->count >= s->forced_count)
        sleep_after(s, &c->options[index]);
    if (log->count < log->capacity) {
        bool goroutine = c->kind == WEFT_CHOOSE_GOROUTINE;
        bool fits = log->option_count + c->count <= log->option_capacity;
        log->decisions[log->count] = (struct decision){
            .index = (uint32_t)index,
            .count = (uint32_t)c->count,
            .preemptible = c->current_can_continue,
            .goroutine = goroutine,
            .chosen_id = c->options[index].id,
            .current_id = c->current,
            .current_points = c->current_points,
            .first_option = fits ? log->option_count : NO_OPTIONS};
        if (fits) {
            memcpy(log->options + log->option_count, c->options,
                   c->count * sizeof *c->options);
            log->option_count += c->count;
        }
    }
    log->count++;
    if (c->current_can_continue && index != 0)
        log->preemptions++;
    return index;
}

void schedule_strategy_init(struct schedule_strategy *s,
                            const struct strategy_spec *spec, uint64_t seed,
                            struct decision_log *log, uint64_t max_steps)
{
    memset(s, 0, sizeof *s);
    s->base = (struct weft_strategy){
        .name = "harness",
        .preemptive = true,
        .virtual_time = true,
        .choose = schedule_choose,
    };
    s->spec = *spec;
    s->log = log;
    s->max_steps = max_steps;
    weft_random_seed(s->rng, seed);
    if (spec->kind == STRATEGY_PCT) {
        s->change_count = spec->depth > 1 ? spec->depth - 1 : 0;
        for (unsigned i = 0; i < s->change_count; i++)
            s->change_points[i] = 1 + weft_random_below(s->rng, spec->steps);
    }
}
