#!/usr/bin/env python3
"""Runs one scenario with a seeded lossy link N times and checks that every run tells the same story:
each actor's events (the link's faults and relays, each program's output, exits) in the same order with
the same bytes. Times differ, and so does the interleaving of two actors' events that happen at the same
moment; ephemeral port numbers differ too. Everything else must be identical, run after run."""
import argparse
import concurrent.futures
import re
import subprocess
import sys
import tempfile
from pathlib import Path

STAMP = re.compile(r"^\[\s*[\d.]+\] ")
PORT = re.compile(r"(127\.0\.0\.1', |127\.0\.0\.1:)\d+")


def story(log: str):
    per_actor = {}
    for line in log.split("\n\n", 1)[-1].splitlines():
        if not STAMP.match(line):
            continue
        line = PORT.sub(r"\1PORT", STAMP.sub("", line))
        actor, _, what = line.partition(" ")
        per_actor.setdefault(actor, []).append(what)
    return per_actor


def run_once(socklab, scenario, seed, tmp, k):
    out = Path(tmp) / str(k)
    run = subprocess.run([socklab, "check", "--scenario", scenario, "--seed", str(seed), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    log = (out / (scenario + ".log")).read_text()
    return run.returncode, log


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--scenario", default="ex5/lossy-link")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            runs = list(pool.map(lambda k: run_once(args.socklab, args.scenario, args.seed, tmp, k), range(args.runs)))
    first_code, first_log = runs[0]
    first = story(first_log)
    faults = [e for e in first.get("link", []) if e.startswith(("dropped", "duplicated", "held", "released"))]
    if not faults:
        sys.exit(f"seed {args.seed} fired no fault in {args.scenario}: the test would prove nothing")
    if f"seed {args.seed}" not in first_log:
        sys.exit("the transcript does not carry the seed")
    for k, (code, log) in enumerate(runs[1:], start=2):
        other = story(log)
        if code != first_code or other != first:
            print(f"run 1:\n{first_log}\nrun {k}:\n{log}")
            sys.exit(f"run {k} differs from run 1 (exit {code} against {first_code})")
    print(f"{args.runs} runs of {args.scenario} with seed {args.seed}: identical "
          f"({len(faults)} faults: {'; '.join(faults)})")


if __name__ == "__main__":
    main()
