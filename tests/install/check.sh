#!/usr/bin/env bash
# Installs the build into a scratch prefix, then builds a consumer with
# find_package(weft) (static and shared) and with pkg-config, and runs each.
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null

cmake -S "$source/tests/install/consumer" -B "$work/consumer" \
    -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer_static"
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/consumer_shared"

export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# static: the archive, plus the private dependencies pkg-config lists
# shellcheck disable=SC2046
cc "$source/tests/install/consumer/main.c" -o "$work/pc_static" \
    $(pkg-config --cflags weft) "$work/prefix/lib/libweft.a" \
    $(pkg-config --libs --static weft | sed 's/-lweft//')
"$work/pc_static"
# shared: the README's line, which runs without LD_LIBRARY_PATH
# shellcheck disable=SC2046
cc "$source/tests/install/consumer/main.c" -o "$work/pc_shared" \
    $(pkg-config --cflags --libs weft) \
    -Wl,-rpath,$(pkg-config --variable=libdir weft)
env -u LD_LIBRARY_PATH "$work/pc_shared"
echo "all 4 consumers ran"
