#!/usr/bin/env bash
# Everything from a fresh Debian 12 machine to every test passing: install what is missing, configure,
# build (warnings are errors), run the whole suite. Usage: scripts/test.sh [PRESET]   (dev, asan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-dev}
bash scripts/install-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
