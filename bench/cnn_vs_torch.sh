#!/bin/sh
# The reference CNN of issue 14 (conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-
# pool2-dropout0.25,flatten,dense128-bn-relu-dropout0.5,dense10; Adam 1e-3, batch 128) on Fashion-MNIST: activ train
# --model, then the same network in PyTorch (bench/train_cnn_torch.py), same data, batch,
# optimiser and thread count, back to back, ROUNDS times (alternating, so that load from
# other processes hits both). Prints samples/s of each training pass and the ratio.
# Target (issue 14): activ >= 1.5x PyTorch CPU.
#
# ISA: which vector instructions both sides may use, set the same way for both:
#   native  each picks the best this CPU has (OpenBLAS's own detection, oneDNN's and ATen's);
#   avx2    the reference machine's level (Zen 3): OpenBLAS's Haswell kernels
#           (OPENBLAS_CORETYPE=Haswell) and ACTIV_ISA=avx2 for activ; oneDNN capped with
#           DNNL_MAX_CPU_ISA=AVX2 and ATen with ATEN_CPU_CAPABILITY=avx2 for PyTorch.
#   The one setting that differs from the shell's is printed.
#
# Usage: bench/cnn_vs_torch.sh [ACTIV_BINARY]
#   env: EPOCHS (1), LIMIT (training samples, 20000), ROUNDS (2), THREADS (2), ISA (native),
#        DATA, PYTHON
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ACTIV=${1:-$here/../build/activ}
EPOCHS=${EPOCHS:-1}
LIMIT=${LIMIT:-20000}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
PYTHON=${PYTHON:-/usr/bin/python3}
ISA=${ISA:-native}
case $ISA in
native) ACTIV_ENV="-u OPENBLAS_CORETYPE -u ACTIV_ISA"
        TORCH_ENV="-u DNNL_MAX_CPU_ISA -u ATEN_CPU_CAPABILITY" ;;
avx2)   ACTIV_ENV="OPENBLAS_CORETYPE=Haswell ACTIV_ISA=avx2"
        TORCH_ENV="DNNL_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2" ;;
*) echo "cnn_vs_torch: ISA must be native or avx2, not '$ISA'" >&2; exit 2 ;;
esac
SPEC="conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,flatten,dense128-bn-relu-dropout0.5,dense10"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -x "$ACTIV" ] || { echo "cnn_vs_torch: no activ binary at $ACTIV (build first)" >&2; exit 1; }
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "cnn_vs_torch: PyTorch is not installed (Debian python3-torch)" >&2; exit 1; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; threads $THREADS"
echo "model: $SPEC; $LIMIT training samples, $EPOCHS epoch(s) per run, batch 128, Adam 1e-3"
echo "ISA $ISA: activ with env $ACTIV_ENV; PyTorch with env $TORCH_ENV"
r=1
while [ $r -le "$ROUNDS" ]; do
    env $ACTIV_ENV "$ACTIV" train --model "$SPEC" --epochs "$EPOCHS" --limit "$LIMIT" --batch 128 --lr 1e-3 --optimizer adam \
        --seed 1 --threads "$THREADS" --data "$DATA" --quiet --report "$out/activ$r.json" > /dev/null
    env $TORCH_ENV OMP_NUM_THREADS=$THREADS PYTHONPATH=$here "$PYTHON" "$here/train_cnn_torch.py" --data "$DATA" --epochs "$EPOCHS" \
        --limit "$LIMIT" --threads "$THREADS" > "$out/torch$r.json" 2>/dev/null
    r=$((r + 1))
done

"$PYTHON" - "$out" "$ROUNDS" <<'PY'
import json, sys
d, rounds = sys.argv[1], int(sys.argv[2])
print("%-6s %14s %14s %8s %10s %10s" % ("round", "activ samp/s", "torch samp/s", "ratio", "activ acc", "torch acc"))
ra, rt = [], []
for r in range(1, rounds + 1):
    a = json.load(open("%s/activ%d.json" % (d, r)))
    t = json.load(open("%s/torch%d.json" % (d, r)))
    ra.append(a["mean_samples_per_s"]); rt.append(t["mean_samples_per_s"])
    print("%-6d %14.0f %14.0f %7.2fx %10.4f %10.4f" % (r, ra[-1], rt[-1], ra[-1] / rt[-1],
          a["final_test_accuracy"], t["final_test_accuracy"]))
    ver = t["torch"]
ratios = sorted(a / t for a, t in zip(ra, rt))
med = ratios[rounds // 2] if rounds % 2 else (ratios[rounds // 2 - 1] + ratios[rounds // 2]) / 2
print("mean   %14.0f %14.0f %7.2fx   (PyTorch %s; target >= 1.5x)" % (sum(ra) / rounds, sum(rt) / rounds,
      (sum(ra) / rounds) / (sum(rt) / rounds), ver))
print("median of the rounds' ratios: %.2fx" % med)
PY
