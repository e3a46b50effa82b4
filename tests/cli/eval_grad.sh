#!/bin/sh
# The CLI contract of 'activ eval' and 'activ grad' (see tests/cli/eval_grad.py).
exec /usr/bin/python3 "${ACTIV_SOURCE_DIR:?}/tests/cli/eval_grad.py" "$1"
