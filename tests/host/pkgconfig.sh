#!/usr/bin/env bash
# Host tier: libalcove as another project meets it. The static musl build is
# installed into a staging directory; a program outside the tree is built
# against it with nothing but `pkg-config --cflags --libs libalcove`, then
# run. Prints TAP.
set -u
cd "$(dirname "$0")/../.."
stage=$PWD/build/stage
TAP_NAME="pkgconfig"
# shellcheck source=../lib/tap.sh
. tests/lib/tap.sh

rm -rf "$stage"
meson install -C build/x86_64-musl --destdir "$stage" >"$stage.log" 2>&1
report $? "meson installs the library, its headers and libalcove.pc" "log: $stage.log"
prefix=$stage/usr/local
export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig:$PWD/build/deps/x86_64/lib/pkgconfig
flags=$(pkg-config --define-variable=prefix="$prefix" --static --cflags --libs libalcove 2>&1)
report $? "pkg-config resolves libalcove and its dependencies" "$flags"
# shellcheck disable=SC2086
musl-gcc -isystem build/deps/x86_64/kinclude -static -o build/pkgconfig-consumer \
  tests/host/pkgconfig_consumer.c $flags 2>"$stage.cc.log"
report $? "a program builds against it with those flags alone" "$(head -c 300 "$stage.cc.log")"
out=$(build/pkgconfig-consumer)
[ "$out" = "hybrid 268435456 10" ]
report $? "the program runs and the library works (layout, size, spec defaults)" "got '$out'"
[ "$failed" -eq 0 ]
