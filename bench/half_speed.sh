#!/bin/sh
# half_speed.sh - the 16-bit CPU paths (binary16, bfloat16 storage) against the fp32 path, in
# elements per second, side by side in one run: build/activ_bench16 (bench/bench16.c) on the
# AVX2 path and, where the CPU has it, the AVX-512 path, 1 thread, every kind of the
# manifest, forward, backward and from-output backward, 64K and 1M elements, median of the
# rounds (fp32 / f16 / bf16 interleaved in each round). The issue's target: every ratio >= 1.
# Writes bench/results/half_speed.txt (the CPU, the load average before and after, the
# tables) and prints it.
# Usage: bench/half_speed.sh [activ_bench16 options, e.g. --kinds relu,tanh --rounds 9]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
cmake --build "$build" --target activ_bench16 -j "${JOBS:-2}" >&2
out=$root/bench/results/half_speed.txt
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
isas=avx2
grep -q avx512f /proc/cpuinfo 2>/dev/null && isas="avx2 avx512"
{
    echo "# bench/half_speed.sh $*"
    echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    for isa in $isas; do
        echo
        ACTIV_ISA=$isa "$build/activ_bench16" --threads 1 --rounds 7 --bwdy "$@"
    done
    echo
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$tmp"
mv "$tmp" "$out"
trap - EXIT
cat "$out"
