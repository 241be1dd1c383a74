/* Replay texts (replay_text.h): what weft_replay takes, what reports print
 * for it. Formatting then parsing gives back the same schedule. */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "replay_text.h"

static const char PREEMPT_ON_ACCESS[] = "preempt-on-access";
static const char NO_LOCK_ORDER[] = "no-lock-order";

bool replay_text_by_schedule(const struct strategy_spec *spec)
{
    return spec->kind == STRATEGY_DFS || spec->kind == STRATEGY_CONFIRM;
}

void replay_text_format(char *out, size_t size, const struct replay_name *name)
{
    char strategy[32], seed[32];
    strategy_spec_format(name->spec, strategy, sizeof strategy);
    snprintf(seed, sizeof seed, "seed 0x%llx", (unsigned long long)name->seed);
    snprintf(out, size, "%s %s%s%s%s%s", strategy,
             name->by_schedule ? name->schedule : seed,
             name->preempt_on_access ? " " : "",
             name->preempt_on_access ? PREEMPT_ON_ACCESS : "",
             name->lock_order ? "" : " ",
             name->lock_order ? "" : NO_LOCK_ORDER);
}

/* The next word of *cursor (NUL-terminated in place), or NULL. */
static char *next_word(char **cursor)
{
    char *word = *cursor + strspn(*cursor, " \t\n");
    if (*word == '\0')
        return NULL;
    char *end = word + strcspn(word, " \t\n");
    *cursor = *end ? end + 1 : end;
    *end = '\0';
    return word;
}

static bool is_schedule_string(const char *word)
{
    return strncmp(word, "v1:", 3) == 0;
}

/* The flags after the schedule. */
static const char *parse_flags(char **cursor, struct replay_text *out)
{
    for (char *word; (word = next_word(cursor));) {
        if (strcmp(word, PREEMPT_ON_ACCESS) == 0)
            out->preempt_on_access = true;
        else if (strcmp(word, NO_LOCK_ORDER) == 0)
            out->lock_order = false;
        else
            return "expected preempt-on-access or no-lock-order after the "
                   "schedule";
    }
    return NULL;
}

const char *replay_text_parse(const char *text, char *copy, size_t size,
                              struct replay_text *out)
{
    *out = (struct replay_text){
        .spec = {.kind = STRATEGY_DFS, .depth = 0},
        .lock_order = true,
    };
    if (!text || snprintf(copy, size, "%s", text) >= (int)size)
        return text ? "too long" : "no schedule (NULL)";
    char *cursor = copy;
    char *word = next_word(&cursor);
    if (!word)
        return "empty: expected \"STRATEGY seed SEED\" or a schedule string";
    if (!is_schedule_string(word)) {
        if (!strategy_spec_parse(word, &out->spec))
            return "unknown strategy (surw, surw:abreast, pct:D:K, pos, "
                   "random, dfs[:B], confirm)";
        word = next_word(&cursor);
    }
    if (word && is_schedule_string(word)) {
        out->by_schedule = true;
        out->schedule = word;
        return parse_flags(&cursor, out);
    }
    if (!word || strcmp(word, "seed") != 0)
        return "expected \"seed SEED\" or a schedule string after the "
               "strategy";
    if (replay_text_by_schedule(&out->spec))
        return "dfs and confirm schedules are replayed by their schedule "
               "string";
    if (out->spec.kind == STRATEGY_PCT && out->spec.steps == 0)
        return "a pct schedule is replayed with its strategy as printed, "
               "pct:D:K";
    word = next_word(&cursor);
    if (!word || !weft_parse_number(word, false, &out->seed))
        return "expected a seed such as 0x5eed1234 after \"seed\"";
    return parse_flags(&cursor, out);
}
