#!/usr/bin/env bash
# Installs what socklab needs to build and test, from Debian 12's own packages.
# Idempotent: packages already present are not fetched again.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-filesystem1.81-dev
  libfmt-dev libgtest-dev googletest libcli11-dev nlohmann-json3-dev
  python3 curl iproute2 util-linux libsocket-wrapper libnss-wrapper
  libtomlplusplus-dev
  chromium fonts-noto-cjk python3-jsonschema python3-pil
  default-jdk-headless
  parallel
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root: apt-get update && $cmd" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
$cmd
