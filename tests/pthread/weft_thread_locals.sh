#!/usr/bin/env bash
# weft's own thread-local variables are exactly those the posix layer
# leaves alone when it swaps a pthread program's thread-locals (posix/tls.c:
# posix_tls_start, runtime_thread_locals, detector_thread_locals): one
# added to libweft without joining them would be swapped away from weft.
#   weft_thread_locals.sh LIBWEFT_A
set -uo pipefail
kept="alternate_stack_installed detector_thread own_work_depth posix_thread ws"
found=$(readelf -sW "$1" | awk '$4 == "TLS" && $7 != "UND" { print $8 }' |
    sort -u | tr '\n' ' ' | sed 's/ $//')
if [ "$found" != "$kept" ]; then
    echo "libweft's thread-locals are '$found', the kept ones '$kept':"
    echo "name a new one where posix/tls.c's list is made"
    exit 1
fi
echo "weft's thread-locals are all kept"
