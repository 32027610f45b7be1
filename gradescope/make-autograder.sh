#!/usr/bin/env bash
# Makes the zip to upload as a Gradescope programming assignment's autograder: setup.sh and
# run_autograder at its root, socklab's source (this repository's HEAD) under socklab/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${1:-socklab-autograder.zip}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git -C "$repo" archive --format=tar --prefix=socklab/ HEAD | tar -x -C "$tmp"
cp "$here/setup.sh" "$here/run_autograder" "$tmp/"
python3 - "$tmp" "$out" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, files in os.walk(src):
        for f in files:
            p = os.path.join(base, f)
            info = zipfile.ZipInfo.from_file(p, os.path.relpath(p, src))
            with open(p, "rb") as fh:
                z.writestr(info, fh.read())
PY
echo "wrote $out: upload it as the autograder (Ubuntu 24.04 base image)"
