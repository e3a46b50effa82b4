#!/usr/bin/env bash
# bench/gpu.sh - the one prepared device script for the CUDA backend (issues 6 and 10).
# Run from the repository root on a machine with an NVIDIA GPU (H100/H200, under 8 minutes;
# the build is most of it):
#   bash bench/gpu.sh   # build (sm_90 only), GPU tests, sanitizer, exhaustive device sweep,
#                       # ncu of one kernel, timings, one table
# Steps and their time limits: build, ctest -R cuda (240 s; the CPU-only math test is left to
# CI), compute-sanitizer (150 s), the device sweep build/activ_gpu_sweep (all 2^32 fp32 inputs,
# every kind and direction, every bf16/fp16 input, against the float64 oracle on the GPU; 200 s),
# ncu of the relu fp32 forward kernel (ACTIV_GPU_SKIP_NCU=1 skips; 120 s),
# PyTorch eager (150 s), activ timings (240 s).
# Environment: ACTIV_GPU_ARCH (default 90), ACTIV_BENCH_LOG2N (28), ACTIV_BENCH_DENSE (8192),
#   ACTIV_BENCH_REPS (20), ACTIV_GPU_SKIP_SANITIZER=1, ACTIV_GPU_SKIP_NCU=1, ACTIV_GPU_TABLE_ONLY=1, OUT (a folder for logs; default
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

# ACTIV_GPU_TABLE_ONLY=1: no device work, print the table from the files already in $OUTDIR
# (also how the table code was dry-run without a GPU)
TEST_RC=0; SWEEP_RC=0; SAN="not run"; TORCH="see torch.tsv"
if [ "${ACTIV_GPU_TABLE_ONLY:-0}" != 1 ]; then
stamp "device"
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1 | tee "$OUTDIR/nvidia-smi.txt"

stamp "configure + build (Release, ACTIV_CUDA=ON, sm_$ARCH)"
cmake -S . -B $B -DCMAKE_BUILD_TYPE=Release -DACTIV_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC" \
      -DCMAKE_CUDA_ARCHITECTURES="$ARCH" > "$OUTDIR/configure.log" 2>&1 \
  || { tail -30 "$OUTDIR/configure.log"; echo "CONFIGURE FAILED"; exit 1; }
cmake --build $B -j"$(nproc)" --target activ_cuda activ_gpu_bench activ_gpu_sweep test_cuda_eltwise test_cuda_dense \
  > "$OUTDIR/build.log" 2>&1 \
  || { grep -E "error|Error" "$OUTDIR/build.log" | head -30; echo "BUILD FAILED"; exit 1; }
grep -E "spill|stack frame" "$OUTDIR/build.log" | sort | uniq -c | head -5

stamp "GPU tests (ctest -R cuda)"
(cd $B && timeout 240 ctest -R cuda -E math_host --output-on-failure) > "$OUTDIR/ctest.log" 2>&1
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

stamp "exhaustive device sweep (every fp32 input; every bf16/fp16 input)"
timeout 200 $B/activ_gpu_sweep 1 > "$OUTDIR/sweep.tsv" 2> "$OUTDIR/sweep.err"
SWEEP_RC=$?
awk -F'\t' '$1 == "sweep" && $7 != "" { k = $5 "|" $6; if ($8 + 0 > m[k]) m[k] = $8 + 0; o[k] += $9; z[k] += $10 }
  END { for (k in m) { split(k, a, "|"); printf "  %-16s %-5s max ULP %.4f  over bound %d  nan/zero-sign %d\n", a[1], a[2], m[k], o[k], z[k] } }' \
  "$OUTDIR/sweep.tsv" | sort
tail -1 "$OUTDIR/sweep.tsv"

if [ "${ACTIV_GPU_SKIP_NCU:-0}" != 1 ] && command -v ncu > /dev/null 2>&1; then
  stamp "ncu: the first element-wise kernel (relu fp32 forward): DRAM throughput, occupancy"
  timeout 120 ncu --kernel-name regex:eltwise_kernel --launch-count 1 --launch-skip 0 \
    --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats \
    $B/activ_gpu_bench 26 0 1 > "$OUTDIR/ncu.txt" 2>&1
  grep -E "eltwise_kernel|DRAM Throughput|Memory Throughput|Achieved Occupancy|Registers Per|Duration" "$OUTDIR/ncu.txt" | head -20
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

fi
stamp "done"
echo
echo "GPU tests: $( [ $TEST_RC = 0 ] && echo pass || echo "FAIL (rc $TEST_RC, see $OUTDIR/ctest.log)" ); sanitizer: $SAN; torch: $TORCH"
echo "device sweep: $( [ $SWEEP_RC = 0 ] && echo "all within bounds" || echo "FAIL (rc $SWEEP_RC, see $OUTDIR/sweep.tsv)" )"
grep "^# " "$OUTDIR/activ.tsv" "$OUTDIR/torch.tsv" 2>/dev/null | sed 's/^[^#]*# /# /'
awk -F'\t' '
  FILENAME == ARGV[1] { if ($1 == "sweep" && $7 != "") { d = $5 == "bwd_from_output" ? "bwdy" : $5; t = $6 == "f16" ? "f16" : $6
                          k = $2 "|" d "|" t; if (!(k in sw) || $8 + 0 > sw[k]) sw[k] = $8 + 0 } next }
  FILENAME == ARGV[2] { if ($1 == "torch") { if ($2 == "dense") td[$3] = $6; else tg[$2 "|" $3 "|" $4] = $6 } next }
  $1 == "elt" {
    if (!hdr) { printf "%-11s %-13s %-5s %9s %9s %8s %10s %9s %9s\n", "function", "dir", "dtype", "ms", "GB/s", "x copy", "torch GB/s", "x torch", "max ULP"; hdr = 1 }
    k = $2 "|" $3 "|" $4
    printf "%-11s %-13s %-5s %9.3f %9.1f %8.3f %10s %9s %9s\n", $2, $3, $4, $5, $6, $7, (k in tg) ? tg[k] : "-", (k in tg) ? sprintf("%.3f", $6 / tg[k]) : "-", (k in sw) ? sprintf("%.3f", sw[k]) : "-"
  }
  $1 == "dense" {
    if (!dh) { printf "\n%-22s %9s %9s %10s\n", "Dense bf16", "ms", "TFLOP/s", "x GEMM"; dh = 1 }
    printf "%-22s %9.3f %9.1f %10.3f\n", "activ " $2, $4, $5/1000, $6
  }
  END {
    if ("addmm_relu" in td) printf "%-22s %9s %9.1f\n", "torch addmm+relu", "", td["addmm_relu"]/1000
    if ("mm" in td) printf "%-22s %9s %9.1f\n", "torch mm", "", td["mm"]/1000
  }' "$OUTDIR/sweep.tsv" "$OUTDIR/torch.tsv" "$OUTDIR/activ.tsv"
echo "(max ULP: the device sweep's largest error for that kind, direction and type over all inputs and parameter sets; bounds fp32 fwd 1, bwd 2, 16-bit 1)"
[ $TEST_RC = 0 ] && [ $SWEEP_RC = 0 ]
