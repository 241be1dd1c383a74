#!/usr/bin/env bash
# The layering rule of docs/architecture.md, checked on the sources:
#   - each layer's allowed folders are read from the weft_layer() lines of
#     CMakeLists.txt (what the build compiles it with), and must form no
#     cycle;
#   - every quoted #include of a layer's file names a bare file (no path, so
#     nothing steps around the include directories) that exists in the
#     layer's own folder or an allowed one.
# The build already fails on a header outside those folders; this catches
# the ways around it ("../runtime/x.h") and a rule that loops.
#   check_includes.sh SOURCE_DIR
set -uo pipefail
source_dir=$1
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

declare -A allowed own
while read -r layer dirs; do
    allowed[$layer]=$dirs
    own[$layer]=$layer
done < <(sed -n 's/^weft_layer(\([a-z]*\) *"[^"]*" *"\([^"]*\)")/\1 \2/p' \
    "$source_dir/CMakeLists.txt" | tr ';' ' ')
own[adapter]=detector
[ ${#allowed[@]} -ge 5 ] || fail "found only ${#allowed[@]} weft_layer() lines in CMakeLists.txt"

# a layer may not reach, through its allowed folders, a layer that reaches it
reaches() { # reaches FROM TO DEPTH: does FROM's closure include folder TO
    local from=$1 to=$2 depth=$3 dir
    [ "$depth" -gt ${#allowed[@]} ] && return 0 # a longer path loops
    for dir in ${allowed[$from]:-}; do
        [ "$dir" = "$to" ] && return 0
        [ -n "${allowed[$dir]+x}" ] && reaches "$dir" "$to" $((depth + 1)) &&
            return 0
    done
    return 1
}
for layer in "${!allowed[@]}"; do
    [ "$layer" = adapter ] && continue
    reaches "$layer" "$layer" 0 && fail "layer $layer reaches itself: ${allowed[$layer]}"
done

# the adapter's files are the ones detector/sources.cmake names for it
adapter_files=$(sed -n 's/^set(WEFT_ADAPTER_SOURCES \(.*\))/\1/p' \
    "$source_dir/detector/sources.cmake")
[ -n "$adapter_files" ] || fail "no WEFT_ADAPTER_SOURCES in detector/sources.cmake"

check_file() { # check_file LAYER FILE
    local layer=$1 file=$2 name found dir
    while read -r name; do
        if [[ $name == */* ]]; then
            fail "$file includes \"$name\": a path steps around the layers"
            continue
        fi
        found=false
        for dir in ${own[$layer]} ${allowed[$layer]}; do
            [ -f "$source_dir/$dir/$name" ] && found=true
        done
        $found || fail "$file ($layer) includes \"$name\", outside ${own[$layer]} ${allowed[$layer]}"
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$source_dir/$file")
}

checked=0
for layer in support runtime detector posix harness; do
    for path in "$source_dir/$layer"/*.[ch]; do
        file=${path#"$source_dir"/}
        as=$layer
        # an adapter source and the header only it includes
        if [[ " $adapter_files " == *" $file "* ]] ||
            [ "$file" = detector/runtime_link.h ]; then
            as=adapter
        fi
        check_file "$as" "$file"
        checked=$((checked + 1))
    done
done
[ "$checked" -gt 50 ] || fail "checked only $checked files"

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "layers: $checked files include only what their layer may"
