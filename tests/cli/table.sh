#!/bin/sh
# tests/cli/table.sh ACTIV - 'activ table': the measured columns against the math
# (sigmoid max f' = 0.25, relu range [0, FLT_MAX] with f(+inf) = inf, tanh [-1, 1],
# sigmoid [0, 1], E relu(z) = 1/sqrt(2 pi), <= 1 ULP), every format, and the error paths.
set -u
ACTIV=${1:?usage: sh tests/cli/table.sh path/to/activ}
case $ACTIV in /*) ;; *) ACTIV=$(pwd)/$ACTIV ;; esac
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# 1. JSON values against the math
if "$ACTIV" table --format json sigmoid relu tanh >"$T/t.json" 2>"$T/err"; then
    if $PY - "$T/t.json" <<'PYEOF'
import json, math, struct, sys
d = json.load(open(sys.argv[1]))
f = {r["name"]: r for r in d["functions"]}
FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
errs = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: errs.append(what)
check(list(f) == ["sigmoid", "relu", "tanh"], "the requested functions, in order")
s, r, t = f["sigmoid"], f["relu"], f["tanh"]
check(abs(s["max_abs_derivative"] - 0.25) <= 1e-6, "sigmoid max f' = 0.25 (got %r)" % s["max_abs_derivative"])
check(abs(t["max_abs_derivative"] - 1) <= 1e-6, "tanh max f' = 1")
check(r["max_abs_derivative"] == 1, "relu max f' = 1")
check(r["range"]["min"] == 0, "relu range min 0")
check(r["range"]["max"] == FLT_MAX, "relu range max = FLT_MAX (got %r)" % r["range"]["max"])
check(r["range"]["f_pos_inf"] == "inf" and r["range"]["f_neg_inf"] == 0, "relu limits f(-inf) = 0, f(+inf) = inf")
check(t["range"]["min"] == -1 and t["range"]["max"] == 1, "tanh range [-1, 1]")
check(t["range"]["f_neg_inf"] == -1 and t["range"]["f_pos_inf"] == 1, "tanh limits -1, 1")
check(s["range"]["min"] == 0 and s["range"]["max"] == 1, "sigmoid range [0, 1]")
check(s["range"]["f_neg_inf"] == 0 and s["range"]["f_pos_inf"] == 1, "sigmoid limits 0, 1")
m = 1 / math.sqrt(2 * math.pi)
check(abs(r["mean_output"] - m) < 0.01, "relu mean under N(0,1) = %.4f ~ %.4f" % (r["mean_output"], m))
check(abs(r["saturation"] - 0.5) < 0.01, "relu saturation ~ 0.5")
check(abs(r["grad_after_10_layers"] - r["mean_abs_derivative"] ** 10) < 1e-12, "grad after 10 layers = (E|f'|)^10")
check(abs(r["mean_abs_derivative"] - 0.5) < 0.01, "relu E|f'| ~ 0.5")
check(abs(t["mean_output"]) < 0.01, "tanh zero-centred")
check(s["vanishes"] == {"negative_side": True, "positive_side": True}, "sigmoid f' vanishes on both sides")
check(r["vanishes"] == {"negative_side": True, "positive_side": False}, "relu f' vanishes for x < 0 only")
for n, x in f.items():
    check(x["max_ulp"] <= 1, "%s accuracy %r <= 1 ULP" % (n, x["max_ulp"]))
    check(isinstance(x["ns_per_element"], (int, float)) and x["ns_per_element"] > 0, "%s timed" % n)
sys.exit(1 if errs else 0)
PYEOF
    then ok "json values"; else bad "json values"; fi
else
    bad "table --format json failed: $(cat "$T/err")"
fi

# 2. reproducible (everything but ns/elem), and the other formats
"$ACTIV" table --no-timing leaky_relu elu >"$T/a.txt" 2>/dev/null
"$ACTIV" table --no-timing leaky_relu elu >"$T/b.txt" 2>/dev/null
if [ -s "$T/a.txt" ] && cmp -s "$T/a.txt" "$T/b.txt"; then ok "reproducible text"; else bad "text output differs between runs"; fi
if grep -q 'leaky_relu' "$T/a.txt" && grep -q 'grad 10 layers' "$T/a.txt"; then ok "text table"; else bad "text table"; fi
if "$ACTIV" table --format md --no-timing relu swish >"$T/t.md" 2>/dev/null &&
    [ "$(grep -c '^| relu\|^| swish' "$T/t.md")" = 2 ] && grep -q '^|---' "$T/t.md"; then ok "markdown"; else bad "markdown"; fi
if "$ACTIV" table --format csv --no-timing relu elu >"$T/t.csv" 2>/dev/null &&
    $PY -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert [x["function"] for x in r]==["relu","elu"]; assert float(r[1]["range_min"])==-1; assert len(r[0])==18' "$T/t.csv"; then
    ok "csv"; else bad "csv"; fi
if "$ACTIV" table --format json --no-timing prelu --alpha 0.2 >"$T/p.json" 2>/dev/null &&
    $PY -c 'import json,sys; r=json.load(open(sys.argv[1]))["functions"][0]; assert abs(r["alpha"]-0.2)<1e-7 and r["ns_per_element"] is None; assert abs(r["derivative_at_minus_20"]-0.2)<1e-7' "$T/p.json"; then
    ok "prelu --alpha, --no-timing"; else bad "prelu --alpha, --no-timing"; fi

# 3. error paths: exit 2 and a message (with a suggestion) on stderr, nothing on stdout
expect() {
    name=$1 pat=$2
    shift 2
    "$ACTIV" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$T/err" && [ ! -s "$T/out" ]; then ok "$name"
    else bad "$name: exit $rc, stderr: $(cat "$T/err")"; fi
}
expect "unknown function suggests" "did you mean 'sigmoid'" table sigmoyd
expect "unknown format suggests" "did you mean 'json'" table --format jsno
expect "unknown option suggests" "did you mean '--format'" table --fromat json
expect "--alpha not a number" "not a finite number" table --alpha x

[ $fails -eq 0 ] && echo "table.sh: all passed" || echo "table.sh: $fails failed"
[ $fails -eq 0 ]
