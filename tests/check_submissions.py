#!/usr/bin/env python3
"""Runs `socklab check --impl ROLE=COMMAND` on one sample submission and compares the outcome with what
the sample declares in its header:

    # expect: pass core            every core scenario of its role passes
    # expect: pass all             every scenario of its role passes, robustness too
    # expect: fail A B ...         exactly scenarios A B ... fail (among the core ones, and any named)
    # expect-message: TEXT         each failure's message contains TEXT (the mistake is named)
    # expect-message: S: TEXT      the failure of scenario S contains TEXT
    # expect-advice: S: ID ...     the failure of scenario S gives exactly this advice (ids, hints.cpp);
                                   a failing scenario with no such line must give none
    # args: {host} {port}          appended to the command (placeholders socklab fills in)

With SOCKLAB_SAMPLE_RECORD=FILE set, each run also appends what it observed (every scenario's verdict
and advice ids) to FILE as one JSON line: how a new sample's header is written from a real run.
The role is the sample's folder name (tests/submissions/ex4.server/...). A .py file runs with python3,
a .pl file with perl; --command gives the command line for anything else (a compiled program)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def declared(path: Path):
    expect, messages, extra_args, advice = None, [], "", {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[:30]:
        for marker in ("#", "//"):
            if line.startswith(marker + " expect:"):
                expect = line.split(":", 1)[1].split()
            if line.startswith(marker + " expect-message:"):
                messages.append(line.split(":", 1)[1].strip())
            if line.startswith(marker + " expect-advice:"):
                scope, _, ids = line.split(":", 1)[1].strip().partition(": ")
                advice[scope] = sorted(ids.split())
            if line.startswith(marker + " args:"):
                extra_args = line.split(":", 1)[1].strip()
    if not expect:
        sys.exit(f"{path}: no '# expect:' line in its header")
    return expect, messages, extra_args, advice


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--command", help="command line to run instead of interpreting the file")
    ap.add_argument("--header", type=Path, help="file holding the expectation header (default: the sample)")
    ap.add_argument("sample", type=Path)
    args = ap.parse_args()
    role = next((p.name for p in args.sample.resolve().parents if p.name.startswith("ex") and "." in p.name), None)
    if role is None:
        sys.exit(f"{args.sample}: not inside a folder named after a role (ex4.server, ...)")
    expect, messages, extra_args, advice = declared(args.header or args.sample)
    interpreter = {".py": "python3", ".pl": "perl"}.get(args.sample.suffix)
    command = (args.command or f"{interpreter} {args.sample.resolve()}") + (" " + extra_args if extra_args else "")
    kind = expect[0]
    named = set(expect[1:]) if kind == "fail" else set()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [args.socklab, "check", "--impl", f"{role}={command}", "-j", "2", "--json", str(report),
               "--out", str(Path(tmp) / "out")]
        if not (kind == "pass" and expect[1:] == ["all"]):
            # core scenarios, and the robustness ones a broken sample names
            cmd += ["--tag", "core"]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if not report.exists():
            print(run.stdout, run.stderr)
            sys.exit(f"socklab wrote no report (exit {run.returncode})")
        results = json.loads(report.read_text())["results"]
        extra = [n for n in named if n not in {r["scenario"] for r in results}]
        if extra:
            cmd2 = cmd[:-2] if cmd[-2] == "--tag" else cmd
            for name in extra:
                sub = subprocess.run(cmd2 + ["--scenario", name], capture_output=True, text=True, timeout=900)
                if report.exists():
                    results += json.loads(report.read_text())["results"]
                del sub
    failed = {r["scenario"] for r in results if r["verdict"] not in ("pass", "skip")}
    if os.environ.get("SOCKLAB_SAMPLE_RECORD"):
        with open(os.environ["SOCKLAB_SAMPLE_RECORD"], "a", encoding="utf-8") as record:
            seen = {r["scenario"]: {"verdict": r["verdict"], "advice": sorted(r.get("advice", []))} for r in results}
            record.write(json.dumps({"sample": str(args.sample), "results": seen}, sort_keys=True) + "\n")
    problems = []
    for r in results:
        if r["scenario"] in failed:
            want, got = advice.get(r["scenario"], []), sorted(r.get("advice", []))
            if want != got:
                problems.append(f"{r['scenario']}: expected advice {want or 'none'}, got {got or 'none'}")
    for scope in advice:
        if scope not in failed:
            problems.append(f"{scope}: advice declared, but the scenario did not fail")
    if kind == "pass" and failed:
        problems.append(f"expected every scenario to pass; these did not: {sorted(failed)}")
    if kind == "fail":
        if failed != named:
            problems.append(f"expected exactly {sorted(named)} to fail; failed: {sorted(failed)}")
        for r in results:
            if r["scenario"] in named and r["verdict"] not in ("pass", "skip"):
                for m in messages:
                    scope, _, text = m.partition(": ")
                    if text and scope.startswith("ex") and "/" in scope:
                        if scope != r["scenario"]:
                            continue
                        m = text
                    if m not in r["message"]:
                        problems.append(f"{r['scenario']}: the message does not say {m!r}:\n{r['message']}")
    if problems:
        print(f"{args.sample} as {role}:")
        for p in problems:
            print("  " + p)
        for r in results:
            if r["verdict"] != "pass":
                print(f"--- {r['scenario']}: {r['verdict']}\n{r['message']}")
        return 1
    print(f"{args.sample.name} as {role}: {len(results)} scenarios, as declared ({' '.join(expect)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
