#!/bin/bash
# Runs one bad command line of cases.txt and checks that it gets exactly
# its one line on stderr, nothing on stdout, and exit status 2.
#     check.sh NAME CASES WEFT BUGS_BINARY NO_TESTS_BINARY
set -u
name=$1 cases=$2 weft=$3 bugs=$4 no_tests=$5
line=$(grep -P "^\Q$name\E\t" "$cases") || { echo "no case $name"; exit 1; }
IFS=$'\t' read -r _ arguments expected <<<"$line"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'v1:0\0.\n' >"$dir/nul.schedule"
head -c $((16 << 20 | 1)) /dev/zero | tr '\0' 0 >"$dir/long.schedule"
printf '#!/bin/sh\nexec sleep 301\n' >"$dir/sleeps.sh"
printf '#!/bin/sh\necho "weft test binary 1"\n' >"$dir/fake.sh"
chmod +x "$dir/sleeps.sh" "$dir/fake.sh"

substitute() {
    local text=${1//@BUGS@/$bugs}
    text=${text//@NO_TESTS@/$no_tests}
    printf '%s' "${text//@DIR@/$dir}"
}
arguments=$(substitute "$arguments")
expected=$(substitute "$expected")

cd "$dir"
# word splitting on purpose: the arguments are plain words
# shellcheck disable=SC2086
"$weft" $arguments >"$dir/stdout" 2>"$dir/stderr"
status=$?
failed=0
if [ "$status" -ne 2 ]; then
    echo "exit status $status, want 2"
    failed=1
fi
if [ -s "$dir/stdout" ]; then
    echo "stdout not empty:"; cat "$dir/stdout"
    failed=1
fi
if [ "$(cat "$dir/stderr")" != "$expected" ] ||
    [ "$(wc -l <"$dir/stderr")" -ne 1 ]; then
    printf 'stderr:\n%s\nwant exactly the line:\n%s\n' "$(cat "$dir/stderr")" \
        "$expected"
    failed=1
fi
exit $failed
