#!/bin/sh
# The reference CNN's trained bits: one epoch on the first 1,001 training images (so the last
# batch is short and odd), seed 3, saved as safetensors, its SHA-256 printed for each
# ACTIV_ISA (avx2, avx512 where the CPU has it) and 1 and 2 threads. Two builds that print the
# same hashes train bit-identical networks (used to show that a speed change kept the bits,
# and so that an earlier 15-epoch accuracy run still stands for the new code).
# Usage: bench/cnn_bits.sh [ACTIV_BINARY ...]   (default build/activ)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "$here/../build/activ"
SPEC="conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,flatten,dense128-bn-relu-dropout0.5,dense10"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for bin in "$@"; do
    for isa in avx2 avx512; do
        for t in 1 2; do
            if ! ACTIV_ISA=$isa "$bin" train --model "$SPEC" --epochs 1 --limit 1001 --seed 3 --threads $t --quiet \
                --save "$out/w.safetensors" > /dev/null 2>&1; then
                echo "$bin ISA $isa threads $t: did not run (no $isa here?)"
                continue
            fi
            echo "$bin ISA $isa threads $t: $(sha256sum "$out/w.safetensors" | cut -c1-16)"
        done
    done
done
