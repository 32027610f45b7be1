#!/usr/bin/env python3
"""socklab check --lang zh says every sentence of a failure in Chinese: runs a failing sample of every
role of the tutorial (ex1 … ex6, servers and clients) and a class through `socklab grade --lang zh`, and
checks that, outside the data (quoted bytes, paths, numbers, the system's own error texts, the machine's
isolation), no run of four or more English words is left anywhere in what socklab prints: the message,
the hint, the advice, the transcript (notes, statuses, the link's story) and the summary. The same runs
in English must show such runs, so that the check itself is seen to find English."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
CASES = [  # (role, sample, scenario): one failure of each role, on links and faults where it has them
    ("ex1.server", "bad_no_close.py", "ex1/raw-peer"),
    ("ex2.client", "bad_one_recv.py", "ex2/sliced-1"),
    ("ex3.server", "bad_ignores_esc.py", "ex3/server-chat"),
    ("ex3.client", "bad_no_esc_sent.py", "ex3/client-chat"),
    ("ex4.server", "bad_no_threads.py", "ex4/concurrent-clients"),
    ("ex4.server", "bad_space.py", "ex4/tutorial-run"),
    ("ex4.server", "bad_bind_ipv6_loopback.py", "ex4/tutorial-run"),
    ("ex4.client", "bad_skips_banner.py", "ex4/client-protocol"),
    ("ex5.server", "bad_space.py", "ex5/server-answers-peer"),
    ("ex5.client", "bad_no_retry.py", "ex5/request-dropped"),
    ("ex6.server", "bad_off_by_one.py", "ex6/tutorial-run"),
    ("ex6.client", "bad_no_space.py", "ex6/client-protocol"),
]
GRADED = ("ex4.server", "bad_space.py", "server4.py", "ex4/tutorial-run")  # a class of one, graded
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|b'(?:[^'\\]|\\.)*'")
PATH = re.compile(r"(?:[\w.+-]*/[\w.+-]+)+/?")
WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ ,;:()]+[A-Za-z][A-Za-z'-]*){3,}")
ISOLATION = re.compile(r"(隔离：|isolation: ).*?(?=[）)]?$)", re.M)
# The system's own error texts (connect's "Connection refused", a reset's "Connection reset by peer"):
# data that socklab quotes inside a sentence of its own.
SYSTEM = sorted({os.strerror(n) for n in range(1, 134)} - {"Unknown error"}, key=len, reverse=True)


def english_runs(text):
    text = ISOLATION.sub(r"\1ISOLATION", text)
    for s in SYSTEM:
        text = text.replace(s, "SYSTEM")
    text = PATH.sub("PATH", QUOTED.sub("DATA", text))
    return WORDS.findall(text)


def run(argv, what, codes=(1,), cwd=None):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=cwd)
    if done.returncode not in codes:
        sys.exit(f"{what}: socklab exited {done.returncode}, not {codes}\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def check_report(socklab, role, sample, scenario, lang, out):
    command = "python3 " + str(SUBMISSIONS / role / sample)
    return run([socklab, "check", "--lang", lang, "--impl", role + "=" + command, "--scenario", scenario,
                "--out", out], f"{sample} on {scenario}")


def grade_report(socklab, lang, tmp):
    role, sample, name, scenario = GRADED
    student = Path(tmp) / "class" / lang / "student-1"
    student.mkdir(parents=True, exist_ok=True)
    shutil.copy(SUBMISSIONS / role / sample, student / name)
    return run([socklab, "grade", "--lang", lang, "--scenario", scenario, str(student)],
               f"grade of {sample} on {scenario}", codes=(0, 1), cwd=tmp)


def judge(what, zh, en):
    """The number of failures: English left in the Chinese report, or none found in the English one."""
    found = english_runs(zh)
    if found:
        print(f"FAIL {what}: English left in the Chinese report: {found}\n{zh}\n")
    if not english_runs(en):
        print(f"FAIL {what}: the English report shows no English to the check")
        return 1
    if not found:
        print(f"ok {what}")
    return 1 if found else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socklab", required=True)
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for role, sample, scenario in CASES:
            zh, en = (check_report(args.socklab, role, sample, scenario, lang, tmp) for lang in ("zh", "en"))
            bad += judge(f"{role} {sample} on {scenario}", zh, en)
        bad += judge("socklab grade", grade_report(args.socklab, "zh", tmp), grade_report(args.socklab, "en", tmp))
    print(f"{len(CASES) + 1 - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
