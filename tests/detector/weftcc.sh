#!/usr/bin/env bash
# weftcc from an installed tree: compile-and-link in one command, and
# compile then link, each program reporting its race with file:line.
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cat >"$work/racy.c" <<'C'
#include <weft.h>
int counter;
static void bump(void *arg) { (void)arg; counter++; }
int main(void)
{
    weft_go(bump, 0);
    weft_yield();
    counter++;
    return 0;
}
C
cd "$work"
"$work/prefix/bin/weftcc" -O1 racy.c -o one_step
"$work/prefix/bin/weftcc" -O2 -c racy.c -o racy.o
"$work/prefix/bin/weftcc" racy.o -o two_steps
for program in one_step two_steps; do
    status=0
    ./$program 2>"$program.out" || status=$?
    [ "$status" = 66 ] || { echo "$program exited $status"; exit 1; }
    grep -q "WARNING: DATA RACE" "$program.out"
    grep -q "  bump() racy.c:3" "$program.out"
done

# Flags with their value as the next argument, as gcc takes them.
mkdir -p inc sys
echo '#define BUMP(x) ((x) += STEP)' >inc/bump.h
echo '#define SYS_OK 1' >sys/sys_ok.h
cat >spaced.c <<'C'
#include <weft.h>
#include <bump.h>
#include <sys_ok.h>
int counter;
static void bump(void *arg) { (void)arg; BUMP(counter); }
int main(void)
{
    weft_go(bump, 0);
    weft_yield();
    BUMP(counter);
    return SYS_OK - 1;
}
C
"$work/prefix/bin/weftcc" -I inc -isystem sys -D STEP=1 spaced.c -o spaced
status=0
./spaced 2>spaced.out || status=$?
[ "$status" = 66 ] || { echo "spaced exited $status"; exit 1; }
grep -q "  bump() spaced.c:5" spaced.out

# A test binary: weft's runner links in with -lweft_main.
cat >racy_test.c <<'C'
#include <weft.h>
static int counter;
static void bump(void *arg) { (void)arg; counter++; }
WEFT_TEST(bump_twice)
{
    weft_go(bump, 0);
    counter++;
}
C
"$work/prefix/bin/weftcc" racy_test.c -lweft_main -o racy_test
status=0
"$work/prefix/bin/weft" test ./racy_test >racy_test.out 2>&1 || status=$?
[ "$status" != 0 ] || { echo "racy_test passed"; exit 1; }
grep -q "WARNING: DATA RACE" racy_test.out
grep -q "  bump() racy_test.c:3" racy_test.out
echo "weftcc programs report their race"
