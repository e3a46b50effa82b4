#!/bin/sh
# Fashion-MNIST, MLP 784-256-128-10, ReLU, Adam 1e-3, batch 128, 2 threads, 10 epochs:
# activ train, then the same in PyTorch (bench/train_torch.py), one after the other.
# Prints both throughputs (mean samples/s of the training passes), their ratio and both
# final test accuracies. Targets (issue 4): activ test accuracy >= 0.885, >= 3x PyTorch.
#
# Usage: bench/train_vs_torch.sh [ACTIV_BINARY] [EPOCHS]   (env: DATA, THREADS, PYTHON)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ACTIV=${1:-$here/../build/activ}
EPOCHS=${2:-10}
THREADS=${THREADS:-2}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
PYTHON=${PYTHON:-/usr/bin/python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -x "$ACTIV" ] || { echo "train_vs_torch: no activ binary at $ACTIV (build first)" >&2; exit 1; }
echo "== activ train ($EPOCHS epochs, $THREADS threads) =="
"$ACTIV" train --activation relu --hidden 256,128 --epochs "$EPOCHS" --batch 128 --lr 1e-3 \
    --optimizer adam --seed 1 --threads "$THREADS" --data "$DATA" --quiet --report "$out/activ.json"

torch_ok=1
echo "== PyTorch ($EPOCHS epochs, $THREADS threads) =="
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
    echo "train_vs_torch: PyTorch is not installed (Debian python3-torch); skipping it" >&2
    torch_ok=0
else
    OMP_NUM_THREADS=$THREADS "$PYTHON" "$here/train_torch.py" --data "$DATA" --epochs "$EPOCHS" \
        --threads "$THREADS" > "$out/torch.json"
fi

"$PYTHON" - "$out/activ.json" "$out/torch.json" "$torch_ok" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
print()
print("%-8s %14s %14s" % ("", "samples/s", "test_accuracy"))
print("%-8s %14.0f %14.4f" % ("activ", a["mean_samples_per_s"], a["final_test_accuracy"]))
if sys.argv[3] == "1":
    t = json.load(open(sys.argv[2]))
    print("%-8s %14.0f %14.4f   (torch %s)" % ("pytorch", t["mean_samples_per_s"], t["final_test_accuracy"], t["torch"]))
    r = a["mean_samples_per_s"] / t["mean_samples_per_s"]
    print("throughput ratio activ/pytorch: %.2fx (target >= 3x)" % r)
print("activ test accuracy: final %.4f, best %.4f at epoch %d (target >= 0.885 within the epochs): %s"
      % (a["final_test_accuracy"], a["best_test_accuracy"], a["best_epoch"],
         "met" if a["best_test_accuracy"] >= 0.885 else "NOT met"))
PY
