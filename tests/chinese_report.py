#!/usr/bin/env python3
"""socklab check --lang zh says every sentence of a failure in Chinese: runs a failing sample of every
role of the tutorial (ex1 … ex6, servers and clients) and a class through `socklab grade --lang zh`, and
checks that, outside the data (quoted bytes, paths, numbers, the system's own error texts), no run of four
or more English words is left anywhere in what socklab prints: the message, the hint, the advice, the
transcript (notes, statuses, the link's story) and the summary with its isolation line. So do the
sentences around a run: scenario files with mistakes, a class whose builds fail, the merge of result
files that are not one grade, and usage errors socklab writes itself. The same runs in English must show
such runs, so that the check itself is seen to find English."""
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
# The system's own error texts (connect's "Connection refused", a reset's "Connection reset by peer"):
# data that socklab quotes inside a sentence of its own.
SYSTEM = sorted({os.strerror(n) for n in range(1, 134)} - {"Unknown error"}, key=len, reverse=True)


def english_runs(text):
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


# A scenario suite whose files each hold one mistake; none is selected, so the run ends at its errors.
BROKEN_SCENARIOS = {
    "duration.scn": 'title "t"\nroles ex4.server\ntags core\nstart s ex4.server\nexpect s stdout within 5x\n',
    "directive.scn": 'title "t"\nroles ex4.server\ntags core\nfrobnicate now\n',
    "role.scn": 'title "t"\nroles ex9.server\ntags core\n',
    "tags.scn": 'title "t"\nroles ex4.server\n',
    "string.scn": 'title "t\nroles ex4.server\ntags core\n',
    "points.scn": 'title "t"\nroles ex4.server\ntags core\npoints many\n',
    "fault.scn": 'title "t"\nroles ex5.server\ntags core\nlink l udp 127.0.0.1:9999\nfault l shred requests\n',
    "group.scn": 'title "t"\nroles ex4.server\ntags core\nstart s ex4.server\nexpect s stdout\n{\n| a\n',
}


def broken_scenarios(socklab, lang, tmp):
    folder = Path(tmp) / "broken" / "ex4"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in BROKEN_SCENARIOS.items():
        (folder / name).write_text(text)
    return run([socklab, "--scenarios", str(folder.parent), "check", "--lang", lang, "--scenario", "none/*"],
               "scenario files with mistakes", codes=(2,))


def class_of_builds(tmp, lang):
    """A class none of whose programs run: one hands in nothing, one's make fails, one's socklab.toml
    build fails: the grade runs no scenario."""
    root = Path(tmp) / "builds" / lang
    for name, files in {"nothing": {},
                        "make": {"server5.c": "int main(void) { return 0 }\n", "Makefile": "all:\n\t@exit 2\n"},
                        "toml": {"socklab.toml": 'build = "false"\n[roles]\n"ex5.server" = "./server5"\n'}}.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for f, text in files.items():
            (root / name / f).write_text(text)
    return root


def grade_builds(socklab, lang, tmp, results=None, seed="1"):
    root = class_of_builds(tmp, lang)
    extra = ["--results", str(root / results)] if results else []
    return run([socklab, "grade", "--lang", lang, "--scenario", "ex5/*", "--seed", seed, *extra,
                *(str(root / n) for n in ("nothing", "make", "toml"))], "grade of failing builds", codes=(0,), cwd=tmp)


def merge_errors(socklab, lang, tmp):
    """Two grades of one class that differ (their seeds) do not merge; a folder without results neither."""
    grade_builds(socklab, lang, tmp, "one", "1")
    grade_builds(socklab, lang, tmp, "two", "2")
    root = Path(tmp) / "builds" / lang
    out = run([socklab, "merge", str(root / "one")], "merge of one grade", codes=(0,))
    out += run([socklab, "merge", str(root / "one"), str(root / "two")], "merge of two grades", codes=(2,))
    (root / "none").mkdir(exist_ok=True)
    env = dict(os.environ, LC_ALL="zh_CN.UTF-8" if lang == "zh" else "C.UTF-8")
    done = subprocess.run([socklab, "merge", str(root / "none")], capture_output=True, text=True, timeout=60, env=env)
    if done.returncode != 2:
        sys.exit(f"merge of no results: socklab exited {done.returncode}, not 2\n{done.stdout}{done.stderr}")
    return out + done.stdout + done.stderr


def usage_errors(socklab, lang, tmp):
    out = run([socklab, "check", "--lang", lang, "--impl", "ex9.server=python3 x.py"], "--impl ex9", codes=(2,))
    out += run([socklab, "check", "--lang", lang, "--impl", "ex4.server="], "--impl with no command", codes=(2,))
    out += run([socklab, "check", "--lang", lang, "--scenario", "no/such-scenario"], "no scenario", codes=(2,))
    out += run([socklab, "grade", "--lang", lang, "--shard", "3/2", tmp], "--shard 3/2", codes=(2,))
    out += run([socklab, "grade", "--lang", lang, "--shard", "auto", tmp], "--shard auto", codes=(2,))
    return out


AROUND = [  # (what, how): the sentences around a run, each said in both languages
    ("scenario files with mistakes", broken_scenarios),
    ("grade of a class whose builds fail", lambda socklab, lang, tmp: grade_builds(socklab, lang, tmp)),
    ("merge of result files that are not one grade", merge_errors),
    ("usage errors", usage_errors),
]


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
        for what, how in AROUND:
            bad += judge(what, how(args.socklab, "zh", tmp), how(args.socklab, "en", tmp))
    print(f"{len(CASES) + 1 + len(AROUND) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
