#!/bin/sh
# perf_table.sh - the README's performance table, with one command.
#
# Builds activ (with oneDNN and XNNPACK as peers when Debian's libdnnl-dev, libxnnpack-dev
# and libpthreadpool-dev are installed), runs 'activ bench' over every function, direction
# and size at 1 and 2 threads, on the native path and (when that is not AVX2, the reference
# path) again with --isa avx2, and prints one Markdown table per path, each naming the CPU
# model (also written to bench/perf_table.md and README.md; the raw numbers go to
# BUILD_DIR/perf_table.{native,avx2}.json and .txt).
#
# Usage: bench/perf_table.sh [extra 'activ bench' options, e.g. --kinds relu --reps 9]
# Environment: BUILD_DIR (default build-peers, or build-bench without peers), JOBS (2),
#              REPS (7), PYTHON (/usr/bin/python3).
# Run it on a quiet machine: every number is a ratio to a baseline timed in the same run,
# but a busy core still skews them.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-/usr/bin/python3}
[ -x "$py" ] || py=python3

have_peers=1
for h in dnnl.h xnnpack.h pthreadpool.h; do
    [ -f "/usr/include/$h" ] || have_peers=0
done
if [ "$have_peers" = 1 ]; then
    build=${BUILD_DIR:-$root/build-peers}
    peers=ON
else
    build=${BUILD_DIR:-$root/build-bench}
    peers=OFF
    echo "perf_table.sh: note: oneDNN/XNNPACK headers not found (apt install libdnnl-dev libxnnpack-dev" \
         "libpthreadpool-dev); the table will have no peer columns" >&2
fi

mkdir -p "$build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DACTIV_BENCH_PEERS=$peers >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" --target activ_cli -j "${JOBS:-2}" >&2

# One run on the native path (the best this CPU has) and, when that is not AVX2, one more
# with --isa avx2: AVX2 is the reference path (issue 9), the native one what users of this
# CPU get. Each table names its path and CPU model.
bench_run() { # $1 = tag, then activ bench options
    tag=$1
    shift
    json=$build/perf_table.$tag.json
    echo "perf_table.sh: running activ bench $* (a few minutes)..." >&2
    rm -f "$json" "$build/perf_table.rc"
    { "$build/activ" bench --threads 1,2 --reps "${REPS:-7}" --json "$json" "$@"; echo $? >"$build/perf_table.rc"; } |
        tee "$build/perf_table.$tag.txt" >&2
    rc=$(cat "$build/perf_table.rc")
    [ "$rc" = 0 ] || { echo "perf_table.sh: activ bench failed (exit $rc)" >&2; exit 1; }
}
bench_run native "$@"
native_isa=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["isa"])' "$build/perf_table.native.json")
jsons=$build/perf_table.native.json
if [ "$native_isa" != avx2 ]; then
    bench_run avx2 --isa avx2 "$@"
    jsons="$build/perf_table.avx2.json $jsons"
fi
# shellcheck disable=SC2086
"$py" "$root/bench/perf_table.py" $jsons >"$root/bench/perf_table.md"
cat "$root/bench/perf_table.md"
# The README's table is this output: replace what stands between its markers.
"$py" - "$root/README.md" "$root/bench/perf_table.md" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(readme).read()
begin, end = "<!-- perf-table:begin -->", "<!-- perf-table:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    open(readme, "w").write(head + begin + "\n" + table + "\n" + end + tail)
    print("perf_table.sh: README.md updated", file=sys.stderr)
PY
