#!/usr/bin/env bash
# bench/gpu.sh - the one prepared device script for the CUDA backend (issue 6).
# Run from the repository root on a machine with an NVIDIA GPU (H100/H200, ~8 minutes):
#   bash bench/gpu.sh              # build (sm_90 only), GPU tests, sanitizer, timings, table
# Environment: ACTIV_GPU_ARCH (default 90), ACTIV_BENCH_LOG2N (28), ACTIV_BENCH_DENSE (8192),
#   ACTIV_BENCH_REPS (20), ACTIV_GPU_SKIP_SANITIZER=1, OUT (a folder for logs; default
#   build-gpu/out). Prints a short table last: GB/s and the ratio to the device copy measured in
#   the same run (target >= 0.97), PyTorch eager when `import torch` works, Dense TFLOP/s and
#   the ratio to cuBLASLt's GEMM alone (target >= 0.98).
set -u
cd "$(dirname "$0")/.."
B=build-gpu
OUTDIR=${OUT:-$B/out}
mkdir -p "$OUTDIR"
ARCH=${ACTIV_GPU_ARCH:-90}
LOG2N=${ACTIV_BENCH_LOG2N:-28}
DENSE=${ACTIV_BENCH_DENSE:-8192}
REPS=${ACTIV_BENCH_REPS:-20}
NVCC=/usr/local/cuda/bin/nvcc
[ -x "$NVCC" ] || NVCC=$(command -v nvcc || true)
export PATH=/usr/local/cuda/bin:$PATH
T0=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - T0 ))s] $*"; }

stamp "device"
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1 | tee "$OUTDIR/nvidia-smi.txt"

stamp "configure + build (Release, ACTIV_CUDA=ON, sm_$ARCH)"
cmake -S . -B $B -DCMAKE_BUILD_TYPE=Release -DACTIV_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC" \
      -DCMAKE_CUDA_ARCHITECTURES="$ARCH" > "$OUTDIR/configure.log" 2>&1 \
  || { tail -30 "$OUTDIR/configure.log"; echo "CONFIGURE FAILED"; exit 1; }
cmake --build $B -j"$(nproc)" > "$OUTDIR/build.log" 2>&1 \
  || { grep -E "error|Error" "$OUTDIR/build.log" | head -30; echo "BUILD FAILED"; exit 1; }
grep -E "spill|stack frame" "$OUTDIR/build.log" | sort | uniq -c | head -5

stamp "GPU tests (ctest -R cuda)"
(cd $B && timeout 240 ctest -R cuda --output-on-failure) > "$OUTDIR/ctest.log" 2>&1
TEST_RC=$?
grep -E "tests passed|Passed|Failed|Skipped|\*\*\*|SKIP|FAIL|rel err|max ULP" "$OUTDIR/ctest.log" | head -60

SAN="not run"
if [ "${ACTIV_GPU_SKIP_SANITIZER:-0}" != 1 ]; then
  CS=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)
  if [ -n "$CS" ]; then
    stamp "compute-sanitizer memcheck (quick element-wise test)"
    ACTIV_TEST_QUICK=1 timeout 150 "$CS" --tool memcheck --error-exitcode 9 \
      $B/tests/cuda/test_cuda_eltwise > "$OUTDIR/sanitizer.log" 2>&1
    SRC=$?
    tail -4 "$OUTDIR/sanitizer.log"
    SAN="exit $SRC (0 = clean, 9 = errors, 124 = timeout)"
  else
    SAN="compute-sanitizer not found"
  fi
fi

TORCH=no
if timeout 60 python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  TORCH=yes
  stamp "PyTorch eager peers"
  timeout 150 python3 bench/gpu_torch.py "$LOG2N" "$DENSE" "$REPS" > "$OUTDIR/torch.tsv" 2> "$OUTDIR/torch.err" \
    || { echo "torch bench failed:"; tail -5 "$OUTDIR/torch.err"; }
else
  : > "$OUTDIR/torch.tsv"
fi

stamp "activ timings (n = 2^$LOG2N, Dense ${DENSE}^3 bf16)"
timeout 240 $B/activ_gpu_bench "$LOG2N" "$DENSE" "$REPS" > "$OUTDIR/activ.tsv" 2> "$OUTDIR/activ.err" \
  || { echo "activ bench failed:"; tail -5 "$OUTDIR/activ.err"; }

stamp "done"
echo
echo "GPU tests: $( [ $TEST_RC = 0 ] && echo pass || echo "FAIL (rc $TEST_RC, see $OUTDIR/ctest.log)" ); sanitizer: $SAN; torch: $TORCH"
grep "^# " "$OUTDIR/activ.tsv" "$OUTDIR/torch.tsv" 2>/dev/null | sed 's/^[^#]*# /# /'
awk -F'\t' '
  FILENAME == ARGV[1] { if ($1 == "torch") { if ($2 == "dense") td[$3] = $6; else tg[$2 "|" $3 "|" $4] = $6 } next }
  $1 == "elt" {
    if (!hdr) { printf "%-11s %-7s %-5s %9s %9s %8s %10s\n", "function", "dir", "dtype", "ms", "GB/s", "x copy", "torch GB/s"; hdr = 1 }
    k = $2 "|" $3 "|" $4
    printf "%-11s %-7s %-5s %9.3f %9.1f %8.3f %10s\n", $2, $3, $4, $5, $6, $7, (k in tg) ? tg[k] : "-"
  }
  $1 == "dense" {
    if (!dh) { printf "\n%-22s %9s %9s %10s\n", "Dense bf16", "ms", "TFLOP/s", "x GEMM"; dh = 1 }
    printf "%-22s %9.3f %9.1f %10.3f\n", "activ " $2, $4, $5/1000, $6
  }
  END {
    if ("addmm_relu" in td) printf "%-22s %9s %9.1f\n", "torch addmm+relu", "", td["addmm_relu"]/1000
    if ("mm" in td) printf "%-22s %9s %9.1f\n", "torch mm", "", td["mm"]/1000
  }' "$OUTDIR/torch.tsv" "$OUTDIR/activ.tsv"
exit $TEST_RC
