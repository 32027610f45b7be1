#!/usr/bin/env python3
"""Runs `socklab check --impl ROLE=COMMAND --json` for every sample of the given role folders at each
--time-scale, and fails when a sample's verdict on any scenario differs between the scales: deadlines
only guard a hang, so a scale may change how long socklab waits, never what it concludes.

    time_scale.py --socklab BIN --scales 1,4 --tag core tests/submissions/ex4.server tests/submissions/ex1.server

Samples run a few at a time (they mostly wait: one second per ex4 message)."""
import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

INTERPRETERS = {".py": "python3", ".pl": "perl"}


def verdicts(socklab, role, sample, scale, tag, jobs):
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [socklab, "check", "--impl", f"{role}={INTERPRETERS[sample.suffix]} {sample.resolve()}",
               "--time-scale", str(scale), "-j", str(jobs), "--json", str(report), "--out", str(Path(tmp) / "out")]
        if tag:
            cmd += ["--tag", tag]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if not report.exists():
            return {"(socklab)": f"no report, exit {run.returncode}: {run.stderr.strip()[:300]}"}
        return {r["scenario"]: r["verdict"] for r in json.loads(report.read_text())["results"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--scales", default="1,4", help="comma-separated, such as 1,4")
    ap.add_argument("--tag", default="core", help="only scenarios with this tag ('' for all)")
    ap.add_argument("--parallel", type=int, default=4, help="samples checked at once")
    ap.add_argument("-j", type=int, default=4, help="scenarios at once per sample")
    ap.add_argument("folders", nargs="+", type=Path)
    args = ap.parse_args()
    args.scales = [float(x) for x in args.scales.split(",")]
    jobs = []
    for folder in args.folders:
        for sample in sorted(folder.iterdir()):
            if sample.suffix in INTERPRETERS:
                for scale in args.scales:
                    jobs.append((folder.name, sample, scale))
    with ThreadPoolExecutor(args.parallel) as pool:
        results = list(pool.map(lambda j: verdicts(args.socklab, j[0], j[1], j[2], args.tag, args.j), jobs))
    by_sample = {}
    for (role, sample, scale), got in zip(jobs, results):
        by_sample.setdefault((role, sample.name), {})[scale] = got
    problems = 0
    for (role, name), per_scale in by_sample.items():
        scenarios = sorted({s for got in per_scale.values() for s in got})
        differ = [s for s in scenarios if len({got.get(s, "(not run)") for got in per_scale.values()}) > 1]
        line = " ".join(f"{s.split('/')[-1]}={per_scale[args.scales[0]].get(s, '-')}" for s in scenarios)
        print(f"{role}/{name}: {'DIFFERS' if differ else 'same'} at scales {args.scales}: {line}")
        for s in differ:
            problems += 1
            print("    " + s + ": " + ", ".join(f"{scale:g}: {per_scale[scale].get(s, '(not run)')}" for scale in args.scales))
    if problems:
        print(f"{problems} verdicts depend on --time-scale")
        return 1
    print(f"{len(by_sample)} samples, the same verdicts at every scale {args.scales}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
