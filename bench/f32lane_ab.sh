#!/bin/sh
# f32lane_ab.sh - A/B of the fp32-lane kernels (src/kernels/f32lane.inc) against the double
# path, in one run: builds libactiv twice (build-ab-double: -DACTIV_NO_F32LANE, the double
# path everywhere; build-ab-f32: -DACTIV_F32LANE=ON, fp32 lanes for every direction on AVX2
# and AVX-512), times both with bench/f32lane_ab.c (thread CPU time, 1 thread), alternating
# A and B per size, and prints speed = double ns / f32 ns per function, direction, path and
# size (> 1: the fp32 lanes are faster). The default build's choice per direction in
# f32lane.inc comes from this table.
# Usage: bench/f32lane_ab.sh [sizes, default "4096 65536 1048576"]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${*:-4096 65536 1048576}
for v in double f32; do
    b=$root/build-ab-$v
    if [ $v = double ]; then opt="-DCMAKE_C_FLAGS=-DACTIV_NO_F32LANE"; else opt="-DACTIV_F32LANE=ON"; fi
    mkdir -p "$b"
    cmake -S "$root" -B "$b" -DCMAKE_BUILD_TYPE=Release -DACTIV_CUDA=OFF "$opt" >"$b/configure.log" 2>&1 ||
        { cat "$b/configure.log" >&2; exit 1; }
    cmake --build "$b" --target activ -j "${JOBS:-2}" >&2
    ${CC:-cc} -O2 -std=c11 -I"$root/include" "$root/bench/f32lane_ab.c" -o "$b/f32lane_ab" \
        -L"$b/src" -lactiv -Wl,-rpath,"$b/src" -lm
done
isas=avx2
grep -q avx512f /proc/cpuinfo 2>/dev/null && isas="avx2 avx512"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "function dir  path   n        double ns/el  f32 ns/el  speed"
for isa in $isas; do
    for n in $sizes; do
        "$root/build-ab-double/f32lane_ab" "$isa" "$n" >"$root/build-ab-double/ab.txt"
        "$root/build-ab-f32/f32lane_ab" "$isa" "$n" >"$root/build-ab-f32/ab.txt"
        paste "$root/build-ab-double/ab.txt" "$root/build-ab-f32/ab.txt" |
            awk '{printf "%-8s %-4s %-6s %-8s %8s  %9s  %5.2f\n", $1, $2, $3, substr($4, 3), $5, $11, $5 / $11}'
    done
done
