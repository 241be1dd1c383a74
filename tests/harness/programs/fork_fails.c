/*
 * LD_PRELOAD shim: fork() fails with EAGAIN from the FORK_FAILS_AFTER+1-th
 * call on (counted per process, children inheriting the count), as when
 * the system is out of processes midway through a run.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int forks;

pid_t fork(void)
{
    const char *after = getenv("FORK_FAILS_AFTER");
    if (after && ++forks > atoi(after)) {
        errno = EAGAIN;
        return -1;
    }
    pid_t (*real_fork)(void) = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
    return real_fork();
}
