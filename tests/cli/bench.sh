#!/bin/sh
# Smoke test of 'activ bench': a tiny run (4096 floats, 3 short repetitions) whose JSON must
# hold every row with finite, positive, self-consistent numbers, plus the usage errors.
# It checks what the benchmark reports, never how fast anything is (no timed tests).
# Usage: sh tests/cli/bench.sh path/to/activ
set -u
activ=${1:?usage: sh tests/cli/bench.sh path/to/activ}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The full matrix at one small size, 1 and 2 threads: 17 function rows (prelu twice)
#    x (fwd, bwd) + 13 from-output rows = 47, times 2 thread counts.
"$activ" bench --sizes 4096 --threads 1,2 --reps 3 --min-time 1 --json "$tmp/b.json" \
    >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
[ "$rc" -eq 0 ] || { cat "$tmp/err.txt" >&2; fail "activ bench exited $rc"; }
"$py" - "$tmp/b.json" "$tmp/out.txt" <<'PY' || fail "bad JSON or table (above)"
import json, math, sys
d = json.load(open(sys.argv[1]))
table = open(sys.argv[2]).read().splitlines()
def check(c, msg):
    if not c:
        print("bench.sh:", msg, file=sys.stderr)
        sys.exit(1)
check(d["isa"] in ("scalar", "sse2", "avx2", "avx512", "neon"), "isa %r" % d.get("isa"))
check(d["cpu"] and d["cpus"] >= 1 and d["reps"] == 3, "header fields")
rows = d["rows"]
check(len(rows) == 94, "expected 94 rows, got %d" % len(rows))
fo = ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "relu6", "hardtanh", "hardsigmoid", "softsign",
      "relu2", "thresholded_relu", "selu", "celu"]
want = {(f, dr, t) for f in fo + ["prelu/nsc", "prelu/ncs", "swish", "hardswish"]
        for dr in ["fwd", "bwd"] for t in (1, 2)}
want |= {(f, "bwdy", t) for f in fo for t in (1, 2)}
got = {(r["function"], r["dir"], r["threads"]) for r in rows}
check(got == want, "rows differ: missing %s, extra %s" % (sorted(want - got), sorted(got - want)))
def pos(v):
    return isinstance(v, (int, float)) and math.isfinite(v) and v > 0
for r in rows:
    tag = "%s %s t=%d" % (r["function"], r["dir"], r["threads"])
    check(r["n"] == 4096, tag + ": n")
    a, m, s = r["activ"], r["memcpy"], r["stream3"]
    for name, v in (("activ", a), ("memcpy", m), ("stream3", s)):
        check(pos(v["gbps"]) and pos(v["ns_per_elem"]), "%s: %s numbers %r" % (tag, name, v))
    check(len(a["gbps_reps"]) == 3 and all(pos(g) for g in a["gbps_reps"]), tag + ": reps")
    bpe = 8 if r["dir"] == "fwd" else 12
    check(abs(a["gbps"] * a["ns_per_elem"] - bpe) < 1e-3 * bpe, tag + ": GB/s and ns/element disagree")
    check(abs(r["ratio_memcpy"] - a["gbps"] / m["gbps"]) <= 1e-4 * r["ratio_memcpy"], tag + ": memcpy ratio")
    check(abs(r["ratio_stream3"] - a["gbps"] / s["gbps"]) <= 1e-4 * r["ratio_stream3"], tag + ": stream ratio")
    for p in r["peers"]:
        check(p["agrees"], "%s: peer %s %s disagrees with activ" % (tag, p["name"], p["op"]))
    if r["best_peer"] is not None:
        best = max(p["gbps"] for p in r["peers"] if p["gbps"] is not None)
        check(abs(r["ratio_best_peer"] - a["gbps"] / best) <= 1e-4 * r["ratio_best_peer"], tag + ": peer ratio")
data = [l for l in table if l and not l.startswith("#") and not l.startswith("function")]
check(len(data) == 94, "table has %d rows, want 94" % len(data))
check(table[0].startswith("# activ bench:") and d["cpu"] in table[0], "header line names the CPU")
PY

# 2. --json - puts the JSON on stdout and the table on stderr; odd size, forced scalar path.
"$activ" bench --kinds relu,silu --dir fwd --sizes 1000 --threads 1 --reps 1 --min-time 1 \
    --isa scalar --no-peers --json - >"$tmp/j.json" 2>"$tmp/t.txt"
rc=$?
[ "$rc" -eq 0 ] || fail "--json - run exited $rc"
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]
assert d["isa"] == "scalar" and len(r) == 2 and {x["function"] for x in r} == {"relu", "swish"}, d
assert all(x["n"] == 1000 and x["peers"] == [] for x in r)' "$tmp/j.json" || fail "--json - output"
grep -q '^relu ' "$tmp/t.txt" || fail "table not on stderr with --json -"

# 3. Usage errors exit 2, --help exits 0.
for args in "--bogus" "--sizes 0" "--sizes 4Q" "--kinds nope" "--dir up" "--threads 0" "--reps 0" \
            "--min-time -1" "--isa avx9" "--json"; do
    # shellcheck disable=SC2086
    "$activ" bench $args >/dev/null 2>"$tmp/e.txt"
    rc=$?
    [ "$rc" -eq 2 ] || fail "'activ bench $args' exited $rc, want 2"
    grep -q "error" "$tmp/e.txt" || fail "'activ bench $args' printed no error"
done
"$activ" bench --help >"$tmp/h.txt" || fail "--help exited $?"
grep -q "^Usage: activ bench" "$tmp/h.txt" || fail "--help text"
echo "bench.sh: ok"
