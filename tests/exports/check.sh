#!/usr/bin/env bash
# libweft.so exports its API (weft_*), the TSan ABI (__tsan_*,
# __interceptor_*) and the C library functions it interposes, nothing else
# (cmake/libweft.map): a program's own names never bind to weft's
# internals. Checks that every C library name libweft defines is exported
# (an interposer missing from the map would silently stop interposing),
# that nothing else is, and that a program with globals named like weft's
# internals runs.
#
#     check.sh LIBWEFT_SO LIBWEFT_A OWN_NAMES_BINARY
set -euo pipefail
so=$1 archive=$2 own_names=$3
libc=$(ldd "$so" | awk '$1 ~ /^libc\.so/ {print $3}')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# the names each defines and exports: dynamic symbols, version suffix off
nm -D --defined-only "$libc" | awk '{sub(/@.*/, "", $3); print $3}' |
    sort -u >"$work/libc"
nm -D --defined-only "$so" | awk '{print $3}' | sort -u >"$work/exported"
# every global libweft's objects define (before the map hides most)
nm --defined-only "$archive" 2>/dev/null |
    awk 'NF == 3 && $2 ~ /^[TDBRVW]$/ {print $3}' | sort -u >"$work/defined"

missing=$(comm -12 "$work/defined" "$work/libc" | comm -23 - "$work/exported")
if [ -n "$missing" ]; then
    echo "FAIL: libweft defines these C library names but does not export" \
        "them (add them to cmake/libweft.map):" $missing
    failures=$((failures + 1))
fi
extra=$(grep -v -e '^weft_' -e '^__tsan_' -e '^__interceptor_' \
    "$work/exported" | comm -23 - "$work/libc")
if [ -n "$extra" ]; then
    echo "FAIL: libweft.so exports internal names:" $extra
    failures=$((failures + 1))
fi

out=$("$own_names" 2>&1) || {
    echo "FAIL: $own_names exited $?: $out"
    failures=$((failures + 1))
}
want=$'hello from a goroutine\nchoose(21) = 42, rt[3] = 4'
if [ "$out" != "$want" ]; then
    echo "FAIL: $own_names printed:"
    echo "$out"
    failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] && echo "ok: $(wc -l <"$work/exported") names exported"
exit $((failures > 0))
