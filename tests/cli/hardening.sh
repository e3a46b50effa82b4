#!/bin/sh
# Issue 13's defects, checked from the command line (see tests/cli/hardening.py).
exec /usr/bin/python3 "${ACTIV_SOURCE_DIR:?}/tests/cli/hardening.py" "$1"
