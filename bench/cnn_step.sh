#!/bin/sh
# One training step of the reference CNN (or SPEC), timed in-process (bench/cnn_step.c).
# Usage: bench/cnn_step.sh [SPEC] [ITERS] [THREADS]   (after make; env BUILD, CC)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$here/../include" "$here/cnn_step.c" -o "$out/cnn_step" \
    -L"$build/src" -lactiv_nn -lactiv -Wl,-rpath,"$build/src"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
"$out/cnn_step" "$@"
