/*
 * Signal dispositions set by the process (signal_calls.c): weft defines
 * sigaction and signal over libc's and counts the calls that set one, so
 * that the schedule server can tell that a schedule changed a handler
 * (the kernel's table is not memory a snapshot restores).
 */
#ifndef WEFT_SUPPORT_SIGNAL_CALLS_H
#define WEFT_SUPPORT_SIGNAL_CALLS_H

/* Calls of sigaction (with a new action) and signal, so far. */
extern unsigned long signal_disposition_changes;

#endif
