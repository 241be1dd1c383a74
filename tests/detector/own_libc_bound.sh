#!/usr/bin/env bash
# weft's own libc calls bind to its unchecked entries (support/own_libc.h):
# of libweft's objects (weft_internal, the archive of them as they are),
# only interceptors.c (which defines them) refers to memcpy, malloc, ... by
# name (a file built without the header, or a copy the compiler wrote
# itself, would show here), and libweft.so exports none of the weft_own_*
# entries.
set -euo pipefail
header=$1 archive=$2 shared=$3
names=$(sed -n 's/^ *X([^,]*, *\([a-z_]*\),.*/\1/p' "$header" | paste -sd'|')
[ -n "$names" ] || { echo "no names in $header"; exit 1; }
callers=$(nm -A "$archive" | grep -E " U ($names)\$" |
    grep -v 'interceptors\.c\.o:' || true)
if [ -n "$callers" ]; then
    echo "libweft objects calling the checking entries:"
    echo "$callers"
    exit 1
fi
if nm -D --defined-only "$shared" | grep -q ' weft_own_'; then
    echo "libweft.so exports weft_own_* entries"
    exit 1
fi
echo "weft's own libc calls are bound locally ($(echo "$names" | tr '|' ' '))"
