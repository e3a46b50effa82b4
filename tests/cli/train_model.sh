#!/bin/sh
# 'activ train --model': bad layer specs exit 2 with the bad layer named and a caret under
# it, before any data is read; 'activ experiment cnn' rejects unknown activations.
set -u
activ=$1
fail=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# spec, the token the message must name, its column
check() {
    "$activ" train --model "$1" --data /nonexistent > /dev/null 2> "$err"
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q "bad layer '$2' at column $3" "$err" || ! grep -q '\^' "$err"; then
        echo "FAIL: --model '$1': rc $rc, want 2 and layer '$2' at column $3:"; cat "$err"; fail=1
    fi
}
check 'conv32x3-bn-relu' 'conv32x3' 1
check 'conv32k3-bn-relu-pool2,conv64k3-bn-relu-pool2,dense128' 'dense128' 47
check 'conv8k3-pool2-relu,flatten,dense10' 'relu' 15
check 'conv8k3,flatten,dense10-relux' 'relux' 25
check 'conv8k3-dropout2,flatten,dense10' 'dropout2' 9

# the spec must end in a flat layer with one output per class
"$activ" train --model 'conv8k3' --data /nonexistent > /dev/null 2> "$err"
rc=$?
[ $rc -eq 2 ] && grep -q "dense layer" "$err" || { echo "FAIL: spec without an output layer: rc $rc"; cat "$err"; fail=1; }

# a valid spec gets as far as the data
"$activ" train --model 'conv8k3-bn-relu-pool2,flatten,dense10' --data /nonexistent > /dev/null 2> "$err"
rc=$?
[ $rc -eq 1 ] && grep -q "nonexistent" "$err" || { echo "FAIL: a valid spec with missing data: rc $rc, want 1"; cat "$err"; fail=1; }

"$activ" experiment cnn --activations relu,bogus --data /nonexistent > /dev/null 2> "$err"
rc=$?
[ $rc -eq 2 ] || { echo "FAIL: experiment cnn with an unknown activation: rc $rc, want 2"; cat "$err"; fail=1; }

[ $fail -eq 0 ] && echo "train_model: 9 checks passed"
exit $fail
