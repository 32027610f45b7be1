#!/usr/bin/env bash
# Reproduces one tutorial example end to end with the reference programs and shows what each side
# prints. Installs what is missing and builds first. Usage: scripts/run.sh [ex1|ex2|ex3|ex4|ex5|ex6]
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-ex4}
case "$example" in
  ex[1-6]) ;;
  *) echo "usage: scripts/run.sh [ex1|ex2|ex3|ex4|ex5|ex6]" >&2; exit 2 ;;
esac
bash scripts/install-deps.sh >&2
cmake --preset dev >/dev/null
cmake --build --preset dev >&2
exec python3 tests/e2e/examples.py --bin build/dev --show "$example"
