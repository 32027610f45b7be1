#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install what is missing, build, then run socklab.
#   scripts/run.sh ex4                                        reproduce tutorial example 4, both sides live
#   scripts/run.sh check --impl ex4.server="python3 server4.py"   check an implementation
# Anything after the script's name is passed to socklab; a lone ex1 … ex6 means "run exN".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" >&2
cmake --preset dev -S "$root" >/dev/null
cmake --build "$root/build/dev" >&2
if [ $# -eq 0 ]; then set -- run ex4; fi
case "$1" in
  ex[1-6]) set -- run "$@" ;;
esac
exec "$root/build/dev/harness/socklab" "$@"
