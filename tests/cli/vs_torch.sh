#!/bin/sh
# The issue 11 kinds against PyTorch itself (tests/cli/vs_torch.py); skipped (77) where
# python3-torch is not installed (scripts/install-deps.sh --peers installs it).
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "SKIP: no python3-torch"; exit 77; }
exec /usr/bin/python3 "${ACTIV_SOURCE_DIR:?}/tests/cli/vs_torch.py" "$1"
