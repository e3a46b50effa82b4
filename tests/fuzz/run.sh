#!/bin/sh
# run.sh BUILD SECONDS [smoke|long] - runs each libFuzzer target of tests/fuzz for SECONDS
# (FUZZ_RUNS=N instead stops each after N executions; FUZZ_TARGETS="npy idx" picks targets),
# one after the other, on a corpus
# seeded by make_corpus.py, with its dictionary, -malloc_limit_mb=64 (no input may make the
# readers allocate more) and a fixed seed. smoke starts from the seeds alone each time (CI);
# long keeps growing BUILD/corpus/<target>. Exits non-zero on any crash, leak, OOM or timeout.
set -eu
build=${1:?build folder}; secs=${2:?seconds}; mode=${3:-smoke}
src=$(cd "$(dirname "$0")" && pwd)
seeds="$build/fuzz-seeds"
rm -rf "$seeds"
/usr/bin/python3 "$src/make_corpus.py" "$seeds" >/dev/null
mkdir -p "$build/artifacts"
status=0
for t in ${FUZZ_TARGETS:-npy idx safetensors spec}; do
    corpus="$build/corpus/$t"
    [ "$mode" = smoke ] && rm -rf "$corpus"
    mkdir -p "$corpus"
    limit="-max_total_time=$secs"
    [ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS"
    log="$build/fuzz_$t.log"
    echo "fuzz_$t: $limit ($mode), log $log"
    if ASAN_OPTIONS=detect_leaks=1 nice "$build/fuzz_$t" $limit -seed=1 -malloc_limit_mb=64 -rss_limit_mb=2048 \
        -timeout=20 -max_len=65536 -dict="$src/$t.dict" -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$corpus" "$seeds/$t" >"$log" 2>&1; then
        grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | tr '\n' ' '; echo
    else
        status=1
        echo "fuzz_$t FAILED:"; tail -40 "$log"
    fi
done
exit $status
