#!/usr/bin/env python3
"""socklab check --lang zh says every sentence of a failure in Chinese: runs failing samples and checks
that, outside the data (quoted bytes, paths, the scenario's own hint, the machine's isolation), no run of
four or more English words is left in the message or the summary. The same runs in English must show
such runs, so that the check itself is seen to find English."""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = [  # (role, sample, scenario): one failure each of overlap, mismatch, and nothing listening
    ("ex4.server", "bad_no_threads.py", "ex4/concurrent-clients"),
    ("ex4.server", "bad_space.py", "ex4/tutorial-run"),
    ("ex4.server", "bad_bind_ipv6_loopback.py", "ex4/tutorial-run"),
]
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|b'(?:[^'\\]|\\.)*'")
PATH = re.compile(r"(?:/[\w.+-]+)+")
WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ ,;:()]+[A-Za-z][A-Za-z'-]*){3,}")
ISOLATION = re.compile(r"(隔离：|isolation: ).*?(?=[）)]$)", re.M)


def scenario_hint(name):
    text = (ROOT / "scenarios" / (name + ".scn")).read_text()
    return [m.group(1) for m in re.finditer(r'^hint "((?:[^"\\]|\\.)*)"', text, re.M)]


def report(socklab, role, sample, scenario, lang, out):
    command = "python3 " + str(ROOT / "tests" / "submissions" / role / sample)
    run = subprocess.run([socklab, "check", "--lang", lang, "--impl", role + "=" + command, "--scenario", scenario,
                          "--out", out], capture_output=True, text=True, timeout=300)
    if run.returncode != 1:
        sys.exit(f"{sample} on {scenario}: socklab check exited {run.returncode}, not 1\n{run.stdout}{run.stderr}")
    # The message and the summary: what comes before the transcript's lines, and the last line.
    text = run.stdout.split("\n完整记录" if lang == "zh" else "\ntranscript")[0]
    return text + "\n" + run.stdout.strip().splitlines()[-1]


def english_runs(text, hints):
    for h in hints:
        text = text.replace(h, "HINT")
    text = ISOLATION.sub(r"\1ISOLATION", text)
    text = PATH.sub("PATH", QUOTED.sub("DATA", text))
    return WORDS.findall(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socklab", required=True)
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for role, sample, scenario in CASES:
            hints = scenario_hint(scenario)
            zh = report(args.socklab, role, sample, scenario, "zh", tmp)
            found = english_runs(zh, hints)
            if found:
                bad += 1
                print(f"FAIL {sample} on {scenario}: English left in the Chinese report: {found}\n{zh}\n")
            if not english_runs(report(args.socklab, role, sample, scenario, "en", tmp), hints):
                bad += 1
                print(f"FAIL {sample} on {scenario}: the English report shows no English to the check")
            print(f"ok {sample} on {scenario}" if not found else "")
    print(f"{len(CASES) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
