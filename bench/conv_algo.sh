#!/bin/sh
# Conv2D layouts: batched im2col + GEMM vs per-sample loop products (bench/conv_algo.c), on the
# reference CNN's conv shapes. Usage: bench/conv_algo.sh [REPS] [THREADS] (after make).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$here/../include" "$here/conv_algo.c" -o "$out/conv_algo" -L"$build/src" -lactiv_nn -lactiv \
    -Wl,-rpath,"$build/src"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
"$out/conv_algo" "${1:-10}" "${2:-2}"
