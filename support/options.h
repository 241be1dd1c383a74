/*
 * $WEFT_OPTIONS: "key=value" pairs separated by spaces, commas or colons, in
 * the manner of TSAN_OPTIONS, read for every layer at once.
 *
 * This file owns the grammar; each layer owns its keys. A layer declares a
 * key with OPTION_KEY beside the code that reads it and gives its value a
 * meaning; the declarations meet in one linker section, so this layer knows
 * every key without naming any. A key nobody declared, or a pair without
 * '=', stops the program with a one-line reason and status 2, as does a bad
 * value (option_bad). When a key is given twice the last value wins.
 */
#ifndef WEFT_SUPPORT_OPTIONS_H
#define WEFT_SUPPORT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

/* Declares that some layer reads WEFT_OPTIONS key `key` (an identifier). */
#define OPTION_KEY(key)                                                        \
    __attribute__((used, section("weft_option_keys"))) static const char       \
        *const weft_option_key_##key = #key

/* The value given for key, or NULL when it was not given. Parses
 * $WEFT_OPTIONS on the first call. */
const char *option_value(const char *key);

/* Stops the program: "weft: <what>: <text>", status 2. */
_Noreturn void option_bad(const char *what, const char *text);

/* The shared `exitcode` key (0 to 255): the status of a program that
 * reported a race or a potential deadlock; fallback when not given. */
int option_exitcode(int fallback);

/* Parses "123", "0x7b", with an optional K/M/G suffix when size is true.
 * Returns false on anything else. */
bool weft_parse_number(const char *text, bool size, uint64_t *out);

#endif
