#!/usr/bin/env bash
# libweft.so and libweft.a make global only weft's API (weft_*), the TSan
# ABI (__tsan_*, __interceptor_*) and the C library functions weft
# interposes (cmake/libweft.map): a program's own names never bind to, or
# clash with, weft's internals. Checks that every C library name libweft
# defines is exported (an interposer missing from the map would silently
# stop interposing), that nothing else is, and that a program with globals
# named like weft's internals links and runs with either library.
#
#     check.sh LIBWEFT_SO LIBWEFT_A INTERNAL_A OWN_NAMES_SHARED OWN_NAMES_STATIC
set -euo pipefail
so=$1 archive=$2 internal=$3
shift 3
libc=$(ldd "$so" | awk '$1 ~ /^libc\.so/ {print $3}')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# the names each defines and exports: dynamic symbols, version suffix off
nm -D --defined-only "$libc" | awk '{sub(/@.*/, "", $3); print $3}' |
    sort -u >"$work/libc"
nm -D --defined-only "$so" | awk '{print $3}' | sort -u >"$work/exported"
# the globals an archive defines
globals() {
    nm --defined-only "$1" 2>/dev/null |
        awk 'NF == 3 && $2 ~ /^[TDBRVWi]$/ {print $3}' | sort -u
}
# every global libweft's objects define (before the map hides most)
globals "$internal" >"$work/defined"
globals "$archive" >"$work/archived"

missing=$(comm -12 "$work/defined" "$work/libc" | comm -23 - "$work/exported")
if [ -n "$missing" ]; then
    echo "FAIL: libweft defines these C library names but does not export" \
        "them (add them to cmake/libweft.map):" $missing
    failures=$((failures + 1))
fi
for library in exported archived; do
    extra=$(grep -v -e '^weft_' -e '^__tsan_' -e '^__interceptor_' \
        "$work/$library" | comm -23 - "$work/libc")
    if [ -n "$extra" ]; then
        echo "FAIL: $library names that are weft's own:" $extra
        failures=$((failures + 1))
    fi
done
if ! cmp -s "$work/exported" "$work/archived"; then
    echo "FAIL: libweft.so and libweft.a make different names global:"
    diff "$work/exported" "$work/archived"
    failures=$((failures + 1))
fi

want=$'hello from a goroutine\nchoose(21) = 42, rt[3] = 4'
for own_names in "$@"; do
    out=$("$own_names" 2>&1) || {
        echo "FAIL: $own_names exited $?: $out"
        failures=$((failures + 1))
    }
    if [ "$out" != "$want" ]; then
        echo "FAIL: $own_names printed:"
        echo "$out"
        failures=$((failures + 1))
    fi
done
[ "$failures" -eq 0 ] && echo "ok: $(wc -l <"$work/exported") names global"
exit $((failures > 0))
