#!/usr/bin/env python3
"""Grading throughput: T1 = one submission (the tutorial's ten files) graded at -j 1; T30 = 30 such
submissions at -j 8. The scenarios mostly wait (1 s replies, timeouts), so parallel grading must scale
past the core count: the target is T30 <= 1.2 x 30 x T1 / 8. Also checks that the 30 get the score the one
got (grading under load must not change a verdict). Prints a table for the README.

    bench/bench_grade.py build/dev/harness/socklab tests/submissions [--copies 30] [--jobs 8] [--tag core]"""
import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROLES = ["ex1.server", "ex2.client", "ex3.server", "ex3.client", "ex4.server",
         "ex4.client", "ex5.server", "ex5.client", "ex6.server", "ex6.client"]


def grade(socklab, dirs, jobs, tag, out):
    report = out / "grade.json"
    cmd = [socklab, "grade", *map(str, dirs), "-j", str(jobs), "--out", str(out / "t"), "--json", str(report)]
    if tag:
        cmd += ["--tag", tag]
    start = time.monotonic()
    subprocess.run(cmd, capture_output=True, timeout=7200)
    took = time.monotonic() - start
    subs = json.loads(report.read_text())["submissions"]
    return took, [s["points"] for s in subs], subs[0]["max_points"], [verdicts(s) for s in subs]


def verdicts(submission):
    """scenario -> (verdict, message) of one graded submission"""
    return {f'{r["role"]} {sc["scenario"]}': (sc["verdict"], sc.get("message", ""))
            for r in submission["roles"] for sc in r["scenarios"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("socklab")
    ap.add_argument("samples", type=Path)
    ap.add_argument("--copies", type=int, default=30)
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--tag", default="core", help="scenarios graded ('' for all)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dirs = []
        for k in range(args.copies):
            d = tmp / "class" / f"student{k + 1:02d}"
            d.mkdir(parents=True)
            for role in ROLES:
                n, side = role.split(".")
                src = "good_threads.py" if role == "ex4.server" else "good_plain.py"
                shutil.copy(args.samples / role / src, d / f"{side}{n[2:]}.py")
            dirs.append(d)
        (tmp / "o1").mkdir()
        (tmp / "o30").mkdir()
        t1, p1, most, v1 = grade(args.socklab, dirs[:1], 1, args.tag, tmp / "o1")
        t30, p30, _, v30 = grade(args.socklab, dirs, args.jobs, args.tag, tmp / "o30")
    ideal = args.copies * t1 / args.jobs
    same = sum(1 for p in p30 if p == p1[0])
    print(f"| grading the tutorial's ten files ({args.tag or 'all'} scenarios) | time |\n|---|---|")
    print(f"| T1: 1 submission, -j 1 | {t1:.1f} s ({p1[0]:g}/{most:g} points) |")
    print(f"| T{args.copies}: {args.copies} submissions, -j {args.jobs} | {t30:.1f} s "
          f"({same} of {args.copies} with the same points) |")
    print(f"| {args.copies} × T1 / {args.jobs} | {ideal:.1f} s |")
    print(f"| ratio T{args.copies} / ({args.copies} × T1 / {args.jobs}) (target ≤ 1.2) | {t30 / ideal:.2f} |")
    for k, v in enumerate(v30):  # what a verdict that moved under load said
        for name, (verdict, message) in sorted(v.items()):
            if verdict != v1[0].get(name, ("?", ""))[0]:
                print(f"student{k + 1:02d} {name}: {v1[0].get(name, ('?',))[0]} at -j 1, {verdict} here: {message}")


if __name__ == "__main__":
    main()
