#!/usr/bin/env python3
"""`socklab run exN` for every example, as a new user runs them (scripts/run.sh ex1 ... ex6): each must
end in `pass`. ex1's run must leave the browser's screenshot beside its transcript, with the heading
Hello World drawn in it (dark pixels where an <h1> sits at the top left, on a white page). Then, with
no Chromium on PATH, ex1's browser scenario is `skip` with a reason and `socklab run ex1` still passes
with curl alone."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def heading_drawn(png: Path) -> bool:
    from PIL import Image
    img = Image.open(png).convert("L")
    w, h = img.size
    # An <h1> at 2em of a default 16 px font, below the body's 8 px margin and the h1's 21 px one.
    box = img.crop((0, 0, min(w, 400), min(h, 90)))
    dark = sum(1 for p in box.getdata() if p < 100)
    white = sum(1 for p in img.getdata() if p > 240)
    return dark > 200 and white > 0.9 * w * h


def run(socklab, example, out, env=None, scenario=None):
    cmd = [socklab, "run", example, "--out", str(out)] + (["--scenario", scenario] if scenario else [])
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--examples", nargs="*", default=[f"ex{n}" for n in range(1, 7)])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for ex in args.examples:
            r = run(args.socklab, ex, out)
            verdict = re.search(r"^(pass|fail|timeout|crash|error|skip) \(", r.stdout, re.M)
            check(r.returncode == 0 and verdict is not None and verdict.group(1) == "pass",
                  f"socklab run {ex} ends in pass (exit {r.returncode})")
            if r.returncode != 0:
                print(r.stdout[-4000:], r.stderr[-2000:], sep="\n")
            check((out / ex / "tutorial-run.log").exists(), f"socklab run {ex} writes its transcript")
        if "ex1" in args.examples:
            shot = out / "ex1" / "tutorial-run.page.png"
            if shutil.which("chromium"):
                check(shot.exists(), "socklab run ex1 keeps the browser's screenshot beside the transcript")
                check(shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is a PNG")
                check(shot.exists() and heading_drawn(shot), "the screenshot shows the heading Hello World")
            # Without Chromium: the browser scenario is skipped, with its reason; the run goes on with curl.
            bare = Path(tmp) / "bin"
            bare.mkdir()
            for tool in ("curl",):
                os.symlink(shutil.which(tool), bare / tool)
            env = dict(os.environ, PATH=str(bare))
            r = subprocess.run([args.socklab, "check", "--scenario", "ex1/browser", "--out", str(Path(tmp) / "o2")],
                               capture_output=True, text=True, timeout=120, env=env)
            check(r.returncode == 0 and re.search(r"^skip\s+ex1/browser", r.stdout, re.M) is not None
                  and "chromium, which is not installed here" in r.stdout,
                  "without Chromium, ex1/browser is skip with its reason")
            if r.returncode != 0 or "skip" not in r.stdout:
                print(r.stdout[-3000:], r.stderr[-2000:], sep="\n")
            r = run(args.socklab, "ex1", Path(tmp) / "o3", env=env)
            check(r.returncode == 0 and "chromium is not installed here" in r.stdout,
                  "without Chromium, socklab run ex1 passes with curl and says the browser is left out")
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
