#!/bin/sh
# tests/cli/plot.sh ACTIV - 'activ plot': golden SVG bytes, well-formed XML, PNG/PDF magic
# (when built with cairo), error paths (exit 2 + a message), and no file left on failure.
#
# tests/golden/relu_leaky.svg is the exact output of
#     activ plot relu leaky_relu --alpha 0.1 --range -3:3 -o tests/golden/relu_leaky.svg
# Regenerate it only on purpose, after a deliberate change to the chart's layout or style:
# run that command from the repository root with the freshly built activ, look at the SVG
# (and a PNG of the same plot), and commit the new golden file together with the change.
set -u
ACTIV=${1:?usage: sh tests/cli/plot.sh path/to/activ}
SRC=${ACTIV_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
case $ACTIV in /*) ;; *) ACTIV=$(pwd)/$ACTIV ;; esac
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# expect CODE NAME PATTERN -- ARGS...: exit status CODE, stderr matching PATTERN, no new file
expect() {
    code=$1 name=$2 pat=$3
    shift 4
    rm -rf "$T/w" && mkdir "$T/w"
    (cd "$T/w" && "$ACTIV" "$@" >"$T/stdout" 2>"$T/stderr")
    rc=$?
    if [ $rc -ne "$code" ]; then
        bad "$name: exit $rc, expected $code"; sed 's/^/     /' "$T/stderr"
    elif ! grep -q -- "$pat" "$T/stderr"; then
        bad "$name: stderr lacks '$pat'"; sed 's/^/     /' "$T/stderr"
    elif [ -n "$(ls -A "$T/w")" ]; then
        bad "$name: left files behind: $(ls -A "$T/w")"
    else
        ok "$name"
    fi
}

# 1. the golden SVG, byte for byte, and the same bytes on a second run
if "$ACTIV" plot relu leaky_relu --alpha 0.1 --range -3:3 -o "$T/out.svg" 2>"$T/err"; then
    if cmp -s "$T/out.svg" "$SRC/tests/golden/relu_leaky.svg"; then ok "golden relu_leaky.svg"
    else bad "golden relu_leaky.svg differs:"; diff "$SRC/tests/golden/relu_leaky.svg" "$T/out.svg" | head -20; fi
    "$ACTIV" plot relu leaky_relu --alpha 0.1 --range -3:3 -o "$T/again.svg" 2>/dev/null
    if cmp -s "$T/out.svg" "$T/again.svg"; then ok "deterministic SVG"; else bad "two runs differ"; fi
else
    bad "plot relu leaky_relu failed: $(cat "$T/err")"
fi

# 2. well-formed XML for a busier plot (two panels, many curves, Unicode labels)
if "$ACTIV" plot relu leaky_relu elu prelu swish sigmoid tanh --alpha 0.1,0.3 --beta 0.5,2 \
        --derivative --title 'a & b <c>' -o "$T/all.svg" 2>"$T/err" &&
    $PY -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"; assert len(d.getElementsByTagName("polyline")) >= 20' "$T/all.svg"; then
    ok "well-formed SVG (derivative panel, 11 curves, escaped title)"
else
    bad "busy SVG is not well-formed: $(cat "$T/err")"
fi

# 3. PNG and PDF: the magic bytes when built with cairo, else the no-cairo message
for ext in png pdf; do
    rm -f "$T/out.$ext"
    if "$ACTIV" plot sigmoid tanh --derivative -o "$T/out.$ext" 2>"$T/err"; then
        magic=$(head -c 4 "$T/out.$ext" | od -An -c | tr -d ' \n')
        case $ext in png) want='211PNG' ;; pdf) want='%PDF' ;; esac
        if [ "$magic" = "$want" ]; then ok "$ext magic"; else bad "$ext magic is '$magic'"; fi
    else
        rc=$?
        if [ $rc -eq 1 ] && grep -q 'built without cairo' "$T/err" && [ ! -e "$T/out.$ext" ]; then
            ok "$ext: built without cairo, says so (exit 1, no file)"
        else
            bad "$ext: exit $rc: $(cat "$T/err")"
        fi
    fi
done

# 4. error paths: exit 2, a message on stderr, nothing written
expect 2 "unknown function suggests" "did you mean 'relu'" -- plot rleu -o x.svg
expect 2 "unknown option suggests" "did you mean '--range'" -- plot relu --rnage -3:3 -o x.svg
expect 2 "range A >= B" "less than" -- plot relu --range 3:-3 -o x.svg
expect 2 "range A = B" "less than" -- plot relu --range 1:1 -o x.svg
expect 2 "range not numbers" "not A:B" -- plot relu --range a:b -o x.svg
expect 2 "range without colon" "not A:B" -- plot relu --range 5 -o x.svg
expect 2 "range inf" "not A:B" -- plot relu --range -inf:3 -o x.svg
expect 2 "unknown extension" "use .svg, .png or .pdf" -- plot relu -o x.jpg
expect 2 "no extension" "use .svg, .png or .pdf" -- plot relu -o x
expect 2 "missing -o" "missing -o" -- plot relu
expect 2 "missing FUNC" "missing FUNC" -- plot -o x.svg
expect 2 "--alpha without an alpha function" "--alpha applies" -- plot relu --alpha 0.1 -o x.svg
expect 2 "--alpha not numbers" "not a list" -- plot elu --alpha 0.1,x -o x.svg
expect 2 "--width too small" "200 to 10000" -- plot relu --width 10 -o x.svg
expect 1 "unwritable directory" "cannot write" -- plot relu -o no/such/dir/x.svg

# 5. --help is data on stdout, exit 0
if "$ACTIV" plot --help >"$T/help" 2>&1 && grep -q 'Usage: activ plot' "$T/help"; then ok "--help"; else bad "--help"; fi

[ $fails -eq 0 ] && echo "plot.sh: all passed" || echo "plot.sh: $fails failed"
[ $fails -eq 0 ]
