#!/bin/sh
# Installs the Debian 12 packages activ needs to build, test and benchmark.
# Usage: scripts/install-deps.sh [--peers]   (--peers adds oneDNN, XNNPACK and PyTorch for side-by-side benchmarks)
set -eu
need="cmake make gcc g++ pkg-config libopenblas-dev zlib1g-dev libcairo2-dev dataset-fashion-mnist python3 python3-numpy doxygen"
# The Python package (python/) and its tests: headers, venv for `pip install ./python`, pytest, PyTorch.
need="$need python3-dev python3-venv python3-pytest python3-torch"
# make test-tsan: GCC's ThreadSanitizer runtime; make fuzz / fuzz-smoke: clang and its
# libFuzzer runtime (libclang_rt.fuzzer, in libclang-rt-14-dev on Debian 12)
need="$need libtsan2 clang libclang-rt-14-dev"
if [ "${1:-}" = "--peers" ]; then
  need="$need libdnnl-dev libxnnpack-dev libpthreadpool-dev"
fi
missing=""
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
