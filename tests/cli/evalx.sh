#!/bin/sh
# 'activ eval/grad' for softmax, the gated units and 16-bit data (see tests/cli/evalx.py).
exec /usr/bin/python3 "${ACTIV_SOURCE_DIR:?}/tests/cli/evalx.py" "$1"
