#!/usr/bin/env bash
# Runs the command blocks of weft's documentation, so the docs cannot rot.
#
#     run_doc_commands.sh SOURCE_DIR BUILD_DIR [FILE.md...]
#
# FILEs default to README.md and docs/*.md. Each file is one shell session,
# run top to bottom as a reader would, in SOURCE_DIR, with HOME a fresh
# scratch directory (so `cmake --install build --prefix ~/.local` and
# `cd ~/app` touch nothing real). The conventions, also in docs/README.md:
#
#  - ```console blocks run: each "$ " line is a command ("> " lines continue
#    it); the lines after it, up to the next command, are what it prints
#    (stdout and stderr together). A line "..." stands for any number of
#    lines, and "..." inside a line for any text. A command shown with no
#    output has its output unchecked. A command must exit 0, unless the next
#    command of the block is "echo $?", whose shown output is the status.
#  - ```c file=NAME (any language) blocks are written to NAME, relative to
#    the session's directory at that point (never inside SOURCE_DIR).
#  - ```c from=PATH blocks are excerpts: they must be in PATH (relative to
#    SOURCE_DIR) as shown, where a line "/* ... */" stands for any lines.
#  - Every other block (```sh, ```c, plain ```) is shown, not run.
#  - The word "build" in a command (build/weft, --test-dir build) is
#    BUILD_DIR; in what a command prints, BUILD_DIR reads "build", paths
#    under SOURCE_DIR are relative, and HOME is "~".
#
# Two lists are checked against the code as well: every WEFT_OPTIONS key a
# layer declares (OPTION_KEY, support/options.h) is in docs/options.md, and every flag of the
# test runner (harness/runner.c) is in docs/weft-command.md.
set -uo pipefail
export LC_ALL=C

source_dir=$(cd "$1" && pwd -P)
build_dir=$(cd "$2" && pwd -P)
# the same directories as CMake may have named them (through symlinks)
source_named=$(cd "$1" && pwd)
build_named=$(cd "$2" && pwd)
shift 2
if [ $# -eq 0 ]; then
    set -- "$source_dir/README.md" "$source_dir"/docs/*.md
fi
here=$(cd "$(dirname "$0")" && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# What a command printed, as the docs show it.
normalise() {
    awk -v build="$build_dir" -v source="$source_dir/" -v home="$1" \
        -v build_named="$build_named" -v source_named="$source_named/" '
        function replace(s, from, to,    i, out) {
            if (from == "") return s
            out = ""
            while ((i = index(s, from)) > 0) {
                out = out substr(s, 1, i - 1) to
                s = substr(s, i + length(from))
            }
            return out s
        }
        {
            sub(/\r$/, "")
            $0 = replace($0, build, "build")
            $0 = replace($0, build_named, "build")
            $0 = replace($0, source, "")
            $0 = replace($0, source_named, "")
            $0 = replace($0, home, "~")
            sub(/[ \t]+$/, "")
            print
        }'
}

run_file() {
    local doc=$1 name=${1#"$source_dir"/}
    local out home
    out="$work/$(echo "$name" | tr '/' '_')"
    home="$out/home"
    mkdir -p "$out" "$home"
    if ! awk -v out="$out" -v build="$build_dir" -v doc="$name" \
        -f "$here/parse_doc.awk" "$doc"; then
        fail "$name: cannot parse its blocks"
        return
    fi
    local before=$failures count excerpts
    count=$(cat "$out/count")
    excerpts=$(wc -l <"$out/excerpts")
    check_excerpts "$name" "$out"
    if [ "$count" -gt 0 ]; then
        run_session "$name" "$out" "$home"
    fi
    if [ "$failures" = "$before" ]; then
        echo "ok: $name: $count commands, $excerpts excerpts"
    fi
}

# Each excerpt (```c from=PATH) must be in PATH as shown; a line "/* ... */"
# in it stands for any number of lines.
check_excerpts() {
    local name=$1 out=$2 k line from
    while IFS=$'\t' read -r k line from; do
        if [ ! -f "$source_dir/$from" ]; then
            fail "$name:$line: from=$from: no such file"
            continue
        fi
        {
            echo "..."
            sed 's#^[[:space:]]*/\* \.\.\. \*/$#...#' "$out/$k.excerpt"
            echo "..."
        } >"$out/$k.pattern"
        awk -f "$here/match_output.awk" "$out/$k.pattern" "$source_dir/$from" ||
            fail "$name:$line: this excerpt is not in $from as shown"
    done <"$out/excerpts"
}

run_session() {
    local name=$1 out=$2 home=$3
    (cd "$source_dir" && HOME="$home" WEFT_DOC_OUT="$out" \
        WEFT_DOC_SOURCE="$source_dir" timeout 300 bash "$out/session.sh" \
        >"$out/session.log" 2>&1)
    local n line check_status shown status where
    while IFS=$'\t' read -r n line check_status shown; do
        where="$name:$line: \$ $(head -n 1 "$out/$n.command")"
        if [ ! -f "$out/$n.status" ]; then
            fail "$where: did not run (the session stopped before it)"
            sed 's/^/    /' "$out/session.log"
            continue
        fi
        status=$(cat "$out/$n.status")
        normalise "$home" <"$out/$n.out" >"$out/$n.actual"
        if [ "$check_status" = 1 ] && [ "$status" != 0 ]; then
            fail "$where: exited $status (show it with \"\$ echo \$?\" if meant)"
            sed 's/^/    /' "$out/$n.actual"
            continue
        fi
        if [ "$shown" = 1 ] &&
            ! awk -f "$here/match_output.awk" "$out/$n.expected" \
                "$out/$n.actual"; then
            fail "$where: printed something else (- shown, + printed):"
            diff -u "$out/$n.expected" "$out/$n.actual" | tail -n +3 |
                sed 's/^/    /'
        fi
    done <"$out/manifest"
}

# Every name the code lists must appear, in backquotes, in the doc.
check_listed() {
    local doc=$1 what=$2
    shift 2
    if [ ! -f "$source_dir/$doc" ]; then
        fail "$doc is missing"
        return
    fi
    local names=("$@")
    if [ ${#names[@]} -lt 3 ]; then
        fail "$doc: found only ${#names[@]} $what in the code (did it move?)"
        return
    fi
    local missing=()
    for item in "${names[@]}"; do
        grep -qF -- "\`$item" "$source_dir/$doc" || missing+=("$item")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        fail "$doc does not document these $what: ${missing[*]}"
    else
        echo "ok: $doc lists all ${#names[@]} $what"
    fi
}

for doc in "$@"; do
    run_file "$(cd "$(dirname "$doc")" && pwd -P)/$(basename "$doc")"
done

mapfile -t keys < <(cat "$source_dir"/{support,runtime,detector,harness}/*.c |
    grep -o '^OPTION_KEY([a-z_]*)' | sed 's/OPTION_KEY(\(.*\))/\1/' | sort -u)
check_listed docs/options.md "WEFT_OPTIONS keys" "${keys[@]}"

mapfile -t flags < <(grep -o 'strcmp(arg, "-[-a-z]*")' \
    "$source_dir/harness/runner.c" | sed 's/.*"\(.*\)")/\1/' | sort -u)
check_listed docs/weft-command.md "runner flags" "${flags[@]}"

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all documented commands ran as shown"
