#!/usr/bin/env bash
# One ported TSan test (or pthread program): PROGRAM under `weft test
# --pthread` must reach the verdict of SOURCE's "weft:" line ("pass", or a
# verdict's name), print each " * output:" line's text, and a failure's
# printed replay command must reach the verdict again. A " * args:" line
# holds the program's arguments, as a shell reads them.
#   check.sh WEFT PROGRAM SOURCE
set -uo pipefail
weft=$1 program=$2 source=$3
expected=$(sed -n 's|^ \* weft: \(.*\) \*/$|\1|p; s|^ \* weft: \(.*\)$|\1|p' \
    "$source" | head -n 1)
[ -n "$expected" ] || { echo "no 'weft:' line in $source"; exit 1; }
args=$(sed -n 's|^ \* args: \(.*\)$|\1|p' "$source" | head -n 1)
output=$(eval "\"\$weft\" test --pthread \"\$program\" --iterations 300 \
    ${args:+-- $args}" 2>&1)
status=$?
while IFS= read -r text; do
    if ! grep -qF -- "$text" <<<"$output"; then
        echo "want '$text' in:"
        echo "$output"
        exit 1
    fi
done < <(sed -n 's|^ \* output: \(.*\) \*/$|\1|p; s|^ \* output: \(.*\)$|\1|p' "$source")
if [ "$expected" = pass ]; then
    if [ $status -ne 0 ] || ! grep -q '^ok    main: ' <<<"$output"; then
        echo "want a pass, got status $status:"
        echo "$output"
        exit 1
    fi
    echo "pthread program: weft says pass"
    exit 0
fi
if [ $status -ne 1 ] || ! grep -qx "FAIL  main: $expected" <<<"$output"; then
    echo "want 'FAIL  main: $expected', got status $status:"
    echo "$output"
    exit 1
fi
# a confirmed deadlock replays by the schedule that deadlocked (the
# confirm strategy's), whose own verdict is a deadlock
replayed_verdict=$expected pick=1p
if [ "$expected" = "confirmed deadlock" ]; then
    replayed_verdict=deadlock pick='/--strategy confirm/p'
fi
replay=$(sed -n 's/^    replay: weft \(replay .*\)$/\1/p' <<<"$output" |
    sed -n "$pick" | head -n 1)
replayed=$(eval "\"$weft\" $replay" 2>&1)
status=$?
if [ $status -ne 1 ] || ! grep -q -- "^--- $replayed_verdict in main" <<<"$replayed"; then
    echo "the replay ($replay) did not give '$replayed_verdict' again: status $status"
    echo "$replayed"
    exit 1
fi
echo "pthread program: weft says $expected, and its replay too"
