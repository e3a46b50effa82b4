#!/bin/sh
# Installs the build into a temporary prefix, then builds examples/installed against it twice:
# through find_package(activ) (CMake) and through pkg-config. Both programs must run.
set -eu
src=${ACTIV_SOURCE_DIR:?}; bin=${ACTIV_BINARY_DIR:?}
# a sanitizer build's libraries cannot be loaded by the plain programs built here
if grep -q '^ACTIV_SANITIZE:BOOL=ON' "$bin/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: packaging is checked in the plain build, not the sanitizer build"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$bin" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
for f in include/activ.h lib/libactiv.so lib/libactiv.a lib/pkgconfig/activ.pc lib/cmake/activ/activConfig.cmake bin/activ share/man/man1/activ.1; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: install lacks $f"; exit 1; }
done
cmake -S "$src/examples/installed" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; exit 1; }
cmake --build "$tmp/cm" >>"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; exit 1; }
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/cm/use_activ")
echo "$out" | grep -q "swish(2) = 1.76159" || { echo "FAIL: find_package build printed: $out"; exit 1; }
PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" cc -o "$tmp/pc" "$src/examples/installed/main.c" \
  $(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs activ)
out2=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/pc")
[ "$out" = "$out2" ] || { echo "FAIL: pkg-config build differs"; exit 1; }
echo "install: find_package and pkg-config builds both run"
