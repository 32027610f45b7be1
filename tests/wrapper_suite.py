#!/usr/bin/env python3
"""socklab where namespaces are refused, as a container's default seccomp profile refuses them: run by
tests/fixture/no_namespaces as an ordinary user (--user, when this runs as root), so that `--isolation
auto` takes the path a container takes (the wrapper).

    wrapper_suite.py --socklab S --launcher L --user U suite
        the whole suite on the reference programs: every scenario passes, in parallel, but those the
        wrapper cannot judge (skipped, each saying why)
    wrapper_suite.py --socklab S --launcher L --user U compare SAMPLE...
        each sample submission (tests/submissions/<role>/*.py) gets the same verdict in every scenario of
        its role as under namespaces (passed, skipped, or not passed), or, where the wrapper cannot judge
        it, a skip that says why

Exit 77 (skipped) where the user, the wrapper's libraries or (compare) namespaces are missing."""
import argparse
import json
import os
import pwd
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Why a scenario may be skipped under the wrapper and not under namespaces (socklab's own words).
WRAPPER_CANNOT = ("judges the wire", "statically linked")


def run_check(args, extra, confined, tmp, name):
    """Runs socklab check; returns (results, isolation) from its JSON report."""
    report = Path(tmp) / f"{name}.json"
    cmd = [args.socklab, "check", "-j", str(args.jobs), "--json", str(report), "--out", str(Path(tmp) / name)] + extra
    if confined:
        user = ["--user", args.user] if os.getuid() == 0 else []
        cmd = [args.launcher] + user + cmd
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=1500, cwd=tmp)
    if not report.exists():
        print(run.stdout[-4000:], run.stderr[-4000:])
        sys.exit(f"socklab wrote no report (exit {run.returncode}): {' '.join(cmd)}")
    data = json.loads(report.read_text())
    return data["results"], data.get("isolation", "")


def suite(args, tmp):
    start = time.monotonic()
    results, isolation = run_check(args, [], True, tmp, "suite")
    took = time.monotonic() - start
    problems = []
    if not isolation.startswith("wrapper"):
        problems.append(f"isolation is {isolation!r}, not the wrapper")
    counts = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        if r["verdict"] == "skip" and any(w in r["message"] for w in WRAPPER_CANNOT):
            continue
        if r["verdict"] != "pass":
            problems.append(f"{r['scenario']}: {r['verdict']}\n{r['message']}")
    print(f"{len(results)} scenarios in {took:.0f} s at -j {args.jobs}: {counts}")
    for r in results:
        if r["verdict"] == "skip":
            print(f"  skip {r['scenario']}: {r['message']}")
    for p in problems:
        print("PROBLEM " + p)
    return 1 if problems else 0


def outcome(verdict):
    """What a score and a sample's declaration depend on: fail, timeout, crash and error all lose the
    scenario's points (a server on ::1 times out in a namespace, and fails at its bind under the wrapper)."""
    return verdict if verdict in ("pass", "skip") else "not passed"


def role_of(sample):
    return next(p.name for p in sample.resolve().parents if p.name.startswith("ex") and "." in p.name)


def compare(args, tmp):
    start = time.monotonic()
    problems, skipped, notes, same = [], [], [], 0
    for sample in args.samples:
        interpreter = {".py": "python3", ".pl": "perl"}[sample.suffix]
        extra = ["--impl", f"{role_of(sample)}={interpreter} {sample.resolve()}", "--tag", "core"]
        ns, ns_isolation = run_check(args, extra, False, tmp, sample.stem + ".ns")
        if ns_isolation.startswith("none") or ns_isolation.startswith("wrapper"):
            print(f"namespaces are not available here ({ns_isolation}): nothing to compare with")
            return 77
        wr, _ = run_check(args, extra, True, tmp, sample.stem + ".wrapper")
        ns_by = {r["scenario"]: r for r in ns}
        for r in wr:
            theirs = ns_by.get(r["scenario"])
            if theirs is None:
                problems.append(f"{sample.name} {r['scenario']}: not run under namespaces")
            elif outcome(r["verdict"]) == outcome(theirs["verdict"]):
                same += 1
                if r["verdict"] != theirs["verdict"]:
                    notes.append(f"{sample.name} {r['scenario']}: {theirs['verdict']} under namespaces, "
                                 f"{r['verdict']} under the wrapper")
            elif r["verdict"] == "skip" and any(w in r["message"] for w in WRAPPER_CANNOT):
                skipped.append(f"{sample.name} {r['scenario']}: {theirs['verdict']} under namespaces; {r['message']}")
            else:
                problems.append(f"{sample.name} {r['scenario']}: {theirs['verdict']} under namespaces, "
                                f"{r['verdict']} under the wrapper\n  namespaces: {theirs['message'][:300]}\n"
                                f"  wrapper: {r['message'][:300]}")
    print(f"{len(args.samples)} samples in {time.monotonic() - start:.0f} s: {same} verdicts the same, "
          f"{len(skipped)} skipped under the wrapper with its reason, {len(problems)} different "
          f"({len(notes)} failing both ways with another verdict)")
    for s in skipped:
        print("  " + s.splitlines()[0])
    for n in notes:
        print("  failing both ways: " + n)
    for p in problems:
        print("DIFFERENT " + p)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--launcher", required=True, help="tests/fixture/no_namespaces")
    ap.add_argument("--user", default="cloudsdk", help="the ordinary user to run as, when this runs as root")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("what", choices=["suite", "compare"])
    ap.add_argument("samples", nargs="*", type=Path)
    args = ap.parse_args()
    args.socklab, args.launcher = os.path.abspath(args.socklab), os.path.abspath(args.launcher)
    if os.getuid() == 0:
        try:
            pwd.getpwnam(args.user)
        except KeyError:
            print(f"no user {args.user} here to run as")
            return 77
        # A build in a folder only root may enter (a clone under a private temporary folder) cannot be
        # run by the ordinary user: there is nothing to judge here.
        reach = subprocess.run(["runuser", "-u", args.user, "--", "test", "-x", args.socklab])
        if reach.returncode != 0:
            print(f"{args.user} cannot run {args.socklab} (a folder above it is closed to other users)")
            return 77
    if not any(Path(d, "libsocket_wrapper.so").exists() for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")):
        print("libsocket-wrapper is not installed (scripts/install-deps.sh installs it)")
        return 77
    with tempfile.TemporaryDirectory(prefix="socklab-wrapper-") as tmp:
        os.chmod(tmp, 0o777)  # the ordinary user writes its reports here
        return suite(args, tmp) if args.what == "suite" else compare(args, tmp)


if __name__ == "__main__":
    sys.exit(main())
