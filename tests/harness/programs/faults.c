/*
 * Tests that misbehave towards the harness rather than have a concurrency
 * bug: they leave processes behind, hang outside the runtime, or write
 * without end. The harness must end what they start and keep its own
 * memory bounded. A test binary of WEFT_TESTs (linked with weft_main).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

/* A `sleep` that names the calling test's marker (FAULTS_MARKER), so the
 * test finds exactly its own leftovers. */
static void start_sleeper(void)
{
    const char *marker = getenv("FAULTS_MARKER");
    if (fork() == 0) {
        execlp("sleep", "sleep", marker ? marker : "300", (char *)NULL);
        _exit(127);
    }
}

/* Passes, leaving three grandchildren of the runner running. */
WEFT_TEST(leaves_children)
{
    for (int i = 0; i < 3; i++)
        start_sleeper();
}

/* Passes its first schedule (the file FAULTS_FLAG is made), then hangs
 * outside the runtime (no scheduling point) with a child: so -j workers
 * are running schedules when the runner is interrupted. */
WEFT_TEST(spins_after_one_schedule)
{
    const char *flag = getenv("FAULTS_FLAG");
    int made = flag ? open(flag, O_CREAT | O_EXCL | O_WRONLY, 0600) : -1;
    if (made >= 0) {
        close(made);
        return;
    }
    start_sleeper();
    for (;;)
        ;
}

/* Writes 40 MiB, a marked head and tail around it, then fails. */
WEFT_TEST(writes_a_flood)
{
    static char line[1024];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    fputs("FLOOD HEAD\n", stdout);
    for (int i = 0; i < 40 * 1024; i++)
        fwrite(line, 1, sizeof line, stdout);
    fputs("FLOOD TAIL\n", stdout);
    fflush(stdout);
    weft_assert(0, "flooded");
}

WEFT_TEST(passes) {}
