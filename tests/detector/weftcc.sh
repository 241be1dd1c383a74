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
echo "weftcc programs report their race"
