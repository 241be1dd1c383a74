/* What the test runner (runner.c) offers the program runner
 * (pthread_program.c), which starts it for an ordinary program's main. */
#ifndef WEFT_HARNESS_RUNNER_H
#define WEFT_HARNESS_RUNNER_H

/* Re-executes the process without address-space randomisation (once: the
 * copy finds it off), so reports print the same addresses in a replay. */
void runner_without_aslr(char **argv);

/* The program's own arguments, quoted for the shell, for the replay
 * commands reports print (after " -- "); NULL: none. */
void runner_set_replay_args(const char *args);

#endif
