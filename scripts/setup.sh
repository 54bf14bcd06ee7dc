#!/usr/bin/env bash
# Set up a fresh machine: a virtualenv in .venv with the tool and its bundled offline models.
#   scripts/setup.sh          the tool
#   scripts/setup.sh --test   the tool plus test tools (local LLM server, Playwright, espeak-ng, sox, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ "$want_test" = 1 ]; then scripts/system-packages.sh; fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
PIP=".venv/bin/pip"
"$PIP" install -q --upgrade pip
# A CPU build of torch lies on local disk for this version; asking for it first avoids a multi-GB CUDA download.
.venv/bin/python -c "import torch" 2>/dev/null || "$PIP" install -q "torch==2.13.0" || "$PIP" install -q torch
if [ "$want_test" = 1 ]; then
  # llama-cpp-python compiles from source (several minutes, once; pip caches the wheel).
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$PIP" install -q -e ".[test]"
else
  "$PIP" install -q -e .
fi
echo "setup done: .venv/bin/jtbd --help"
