#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu). It installs the
# compilers and libraries from the distribution (a Boost of 1.81 or later, for Process v2: Ubuntu 24.04
# has 1.83), builds socklab from source/socklab and installs it under /usr/local.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
src="$root/source/socklab"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
boost=$(apt-cache search --names-only '^libboost1\.(8[1-9]|9[0-9])-dev$' | cut -d' ' -f1 | sort -V | tail -1)
if [ -z "$boost" ]; then
  echo "setup.sh: this image offers no Boost 1.81 or later (Process v2): choose Ubuntu 24.04" >&2
  exit 1
fi
apt-get install -y --no-install-recommends build-essential cmake ninja-build pkg-config "$boost" \
  "${boost/libboost/libboost-filesystem}" libfmt-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev \
  python3 perl iproute2 libsocket-wrapper libnss-wrapper
cmake -S "$src" -B /tmp/socklab-build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSOCKLAB_BUILD_TESTS=OFF \
  -DSOCKLAB_WERROR=OFF
cmake --build /tmp/socklab-build
cmake --install /tmp/socklab-build --prefix /usr/local
