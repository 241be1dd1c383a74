#!/usr/bin/env bash
# The layering rule at link level: a layer's objects call (or read) only
# what their own layer and the layers they may use define. Headers are
# checked by the build and check_includes.sh; this catches a declaration
# written by hand ("void runtime_x(void);") that reaches through a seam.
#   check_symbols.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
source_dir=$1 build_dir=$2
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

declare -A allowed
while read -r layer dirs; do
    allowed[$layer]=$dirs
done < <(sed -n 's/^weft_layer(\([a-z]*\) *"[^"]*" *"\([^"]*\)")/\1 \2/p' \
    "$source_dir/CMakeLists.txt" | tr ';' ' ')

objects() { find "$build_dir/CMakeFiles/weft_$1.dir" -name '*.o' 2>/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# what each layer defines
for layer in "${!allowed[@]}"; do
    mapfile -t objs < <(objects "$layer")
    [ ${#objs[@]} -gt 0 ] || { fail "no objects of layer $layer in $build_dir"; continue; }
    nm --defined-only "${objs[@]}" | awk 'NF == 3 && $2 ~ /[TDBRVWtdbr]/ { print $3 }' |
        sort -u >"$work/$layer.defined"
done

checked=0
for layer in "${!allowed[@]}"; do
    [ -f "$work/$layer.defined" ] || continue
    # what it may use: its own, and what the layers weft_layer() lists define
    cat "$work/$layer.defined" >"$work/ok"
    for dir in ${allowed[$layer]}; do
        [ -f "$work/$dir.defined" ] && cat "$work/$dir.defined" >>"$work/ok"
    done
    sort -u -o "$work/ok" "$work/ok"
    mapfile -t objs < <(objects "$layer")
    nm --undefined-only "${objs[@]}" | awk 'NF == 2 { print $2 }' | sort -u >"$work/used"
    for other in "${!allowed[@]}"; do
        [ "$other" = "$layer" ] && continue
        [ -f "$work/$other.defined" ] || continue
        # symbols another layer defines, used here, not allowed here
        comm -12 "$work/used" "$work/$other.defined" | comm -23 - "$work/ok" |
            while read -r symbol; do
                echo "FAIL: layer $layer uses $symbol of layer $other"
            done >>"$work/violations"
    done
    checked=$((checked + 1))
done
if [ -s "$work/violations" ]; then
    cat "$work/violations"
    failures=$((failures + $(wc -l <"$work/violations")))
fi
[ "$checked" -ge 5 ] || fail "checked only $checked layers"

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "layers: $checked layers use only the symbols of the layers they may"
