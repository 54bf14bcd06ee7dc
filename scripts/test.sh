#!/usr/bin/env bash
# The test suite, on a fresh machine too: installs what the tests need, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
