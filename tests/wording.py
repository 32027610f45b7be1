#!/usr/bin/env python3
"""The words of a report decide nothing: the same runs in English and in Chinese, two renderings of every
sentence of socklab's catalogue (and of every scenario's title and hint), give the same verdict, facts,
advice and points on every scenario. Each sample is checked on every scenario of its role, once with
--lang en and once with --lang zh; a verdict or a piece of advice chosen by searching a rendered sentence
would differ between the two. The same seed in both, so that the links' losses are the same too.

    wording.py --socklab BIN [--parallel 3] ROLE/SAMPLE..."""
import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
# One broken sample per role, those whose failures carry the most facts, and a correct one; each behaves
# the same run after run, since the two runs are compared. (ex4.client/bad_skips_banner is not one: on a
# sliced link, whether its first recv holds the banner with the first reply is the machine's timing.)
SAMPLES = [
    "ex1.server/bad_wrong_port.py", "ex1.server/bad_no_status_line.py", "ex2.client/bad_header_in_file.py",
    "ex3.server/bad_no_prompt.py", "ex3.client/bad_wrong_port.py", "ex4.server/bad_space.py",
    "ex4.server/bad_no_threads.py", "ex4.client/bad_wrong_port.py", "ex5.server/bad_space.py",
    "ex5.client/bad_no_retry.py", "ex6.server/bad_serves_forever.py", "ex6.client/bad_no_space.py",
    "ex4.server/good_threads.py",
]
JUDGED = ("verdict", "facts", "advice", "points")


def results(socklab, sample, lang):
    role = sample.parent.name
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [socklab, "check", "--impl", f"{role}=python3 {sample}", "--lang", lang, "--seed", "7", "-j", "8",
               "--json", str(report), "--out", str(Path(tmp) / "out")]
        subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if not report.exists():
            return None
        return {r["scenario"]: {**{k: r.get(k) for k in JUDGED}, "message": r.get("message", "")}
                for r in json.loads(report.read_text())["results"]}


def compare(socklab, name):
    sample = SUBMISSIONS / name
    en, zh = results(socklab, sample, "en"), results(socklab, sample, "zh")
    if en is None or zh is None:
        return [f"{name}: no report ({'en' if en is None else 'zh'})"], 0
    def judged(r):
        return {k: r[k] for k in JUDGED} if r else None

    def told(r):  # what the run said: a difference the judged fields do not explain
        return (r or {}).get("message", "")[:600].replace("\n", "\n      ")

    problems = [f"{name} {s}: en {judged(en[s])}, zh {judged(zh.get(s))}\n    en said: {told(en[s])}\n"
                f"    zh said: {told(zh.get(s))}" for s in en if judged(en[s]) != judged(zh.get(s))]
    problems += [f"{name} {s}: only in zh" for s in zh if s not in en]
    return problems, sum(1 for r in en.values() if r["verdict"] != "pass")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--parallel", type=int, default=3)
    ap.add_argument("samples", nargs="*", default=SAMPLES)
    args = ap.parse_args()
    with ThreadPoolExecutor(args.parallel) as pool:
        done = list(pool.map(lambda s: (s, *compare(args.socklab, s)), args.samples))
    problems = [p for _, ps, _ in done for p in ps]
    for name, ps, failed in done:
        print(f"DIFFERS {name}" if ps else f"same    {name}: {failed} scenarios not passed, judged alike in en and zh")
    for p in problems:
        print("  " + p)
    if problems:
        sys.exit(f"{len(problems)} results differ between the English and the Chinese run")
    failures = sum(f for _, _, f in done)
    if failures == 0:
        sys.exit("no sample failed anything: nothing was compared")
    print(f"{len(done)} samples, {failures} failing results: verdicts, facts, advice and points the same in both")


if __name__ == "__main__":
    main()
