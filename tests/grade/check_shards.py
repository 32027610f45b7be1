#!/usr/bin/env python3
"""A class graded in shards under GNU parallel, as the README's recipe does it, merges into exactly the
reports of one run; a rerun grades only what is not current; merge refuses results that are not one
grade and names the submissions missing or graded twice.

Five submissions (ex5, made of the samples: correct, broken, a role missing) are graded once in one
process, then by the README's GNU parallel recipe as three shards on this machine (local slots stand in
for the --sshlogin hosts), then merged. Usage:
  check_shards.py --socklab build/dev/harness/socklab --source . [--parallel /usr/bin/parallel]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FAILURES = []

# Each submission: its files, taken from tests/submissions/<role>/<sample>.
CLASS = {
    "alice": {"server5.py": "ex5.server/good_plain.py", "client5.py": "ex5.client/good_retry.py"},
    "bob": {"server5.py": "ex5.server/bad_space.py", "client5.py": "ex5.client/bad_uppercase.py"},
    "carol": {"server5.py": "ex5.server/bad_one_shot.py"},
    "dave": {"client5.py": "ex5.client/bad_wrong_port.py"},
    "erin": {"server5.py": "ex5.server/good_socketserver.py", "client5.py": "ex5.client/good_plain.py"},
}
SELECT = ["--scenario", "ex5/*", "--tag", "core"]


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)


def recipe(readme):
    """The README's GNU parallel recipe: the lines of its shell block that start `seq` and `socklab merge`."""
    text = readme.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(seq \d+ \| parallel[^`]*?)```", text)
    if not block:
        sys.exit("README.md has no GNU parallel recipe (a ```sh block starting with `seq N | parallel`)")
    return block.group(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--parallel", default=shutil.which("parallel") or "parallel")
    args = ap.parse_args()
    socklab = os.path.abspath(args.socklab)
    src = Path(args.source)
    tmp = Path(tempfile.mkdtemp(prefix="socklab-shards-"))
    try:
        work(socklab, src, tmp, args.parallel)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("\n%d check(s) failed" % len(FAILURES))
        sys.exit(1)


def work(socklab, src, tmp, parallel):
    subs = tmp / "submissions"
    for name, files in CLASS.items():
        (subs / name).mkdir(parents=True)
        for target, sample in files.items():
            shutil.copy(src / "tests" / "submissions" / sample, subs / name / target)
    folders = sorted(str(p) for p in subs.iterdir())

    one = run([socklab, "grade", *folders, *SELECT, "-j", "4", "--out", str(tmp / "one-out"),
               "--csv", str(tmp / "one.csv"), "--json", str(tmp / "one.json")])
    check(one.returncode == 0, "one process: grade exits 0 once graded, whatever the scores (got %d: %s)"
          % (one.returncode, one.stderr[-500:]))

    # The README's recipe, with this machine's three local slots for its hosts and this build's socklab.
    script = recipe(src / "README.md")
    script = re.sub(r"--sshlogin \S+", "--sshlogin 3/:", script)
    script = re.sub(r"--workdir \S+", "--workdir " + str(tmp), script)
    # GNU parallel hands its command to a shell, which would expand the scenario glob: it is quoted twice.
    script = script.replace("--results results", "--results results --scenario \"'ex5/*'\" --tag core")
    script = script.replace("socklab ", socklab + " ")
    print("the recipe, as run here:\n" + script)
    shards = run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp,
                 env=dict(os.environ, PATH=os.path.dirname(parallel) + os.pathsep + os.environ["PATH"]))
    check(shards.returncode == 0, "the recipe ran: parallel, three shards, merge (exit %d: %s)"
          % (shards.returncode, (shards.stdout + shards.stderr)[-1500:]))
    results = tmp / "results"
    files = sorted(p.name for p in results.glob("*.json"))
    check(files == sorted(n + ".json" for n in CLASS), "a result file per submission: %s" % files)
    shard_of = {json.loads((results / f).read_text())["stamp"]["shard"] for f in files}
    check(shard_of == {"1/3", "2/3", "3/3"}, "graded by the three shards: %s" % sorted(shard_of))
    one_csv = (tmp / "one.csv").read_text() if (tmp / "one.csv").exists() else "(none)"
    merged_csv = (tmp / "scores.csv").read_text() if (tmp / "scores.csv").exists() else "(none)"
    check(merged_csv == one_csv, "the merged CSV is the one-process run's:\n%s\nvs\n%s" % (merged_csv, one_csv))
    pages = sorted(p.name for p in (tmp / "pages").glob("*.html")) if (tmp / "pages").is_dir() else []
    check(pages == sorted([n + ".html" for n in CLASS] + ["index.html"]), "merge wrote every page: %s" % pages)
    if (tmp / "pages" / "bob.html").exists():
        page = (tmp / "pages" / "bob.html").read_text(encoding="utf-8")
        check("<svg" in page and "Hello, a" in page,
              "a merged page draws its runs from the transcripts in the result files")
    merged = json.loads((tmp / "grade.json").read_text()) if (tmp / "grade.json").exists() else {}
    alone = json.loads((tmp / "one.json").read_text()) if (tmp / "one.json").exists() else {}
    key = lambda j: sorted((r["submission"], r["role"], r["scenario"], r["verdict"]) for r in j.get("results", []))
    check(merged and key(merged) == key(alone), "the merged JSON has the one-process run's verdicts")

    if FAILURES:
        return  # what follows works on those results
    rerun_shards(socklab, folders, tmp, results)
    merge_refusals(socklab, tmp, results)


def grade_shard(socklab, folders, tmp, k, *extra):
    return run([socklab, "grade", *folders, *SELECT, "--shard", "%d/3" % k, "--results", str(tmp / "results"),
                "-j", "2", "--out", str(tmp / "rerun-out"), *extra])


def rerun_shards(socklab, folders, tmp, results):
    def stamps():
        return {f.name: json.loads(f.read_text())["stamp"]["graded_at"] for f in results.glob("*.json")}

    before = stamps()
    again = grade_shard(socklab, folders, tmp, 1)
    in_shard = [n for n in CLASS if json.loads((results / (n + ".json")).read_text())["stamp"]["shard"] == "1/3"]
    check(again.returncode == 0 and stamps() == before and again.stdout.count("not graded again") == len(in_shard),
          "a rerun grades nothing whose result is current (%d of shard 1): %s" % (len(in_shard), again.stdout[-800:]))
    # A submission handed in again is graded again, and only it.
    changed = in_shard[0]
    target = next((tmp / "submissions" / changed).iterdir())
    target.write_text(target.read_text() + "\n# handed in again\n")
    again = grade_shard(socklab, folders, tmp, 1)
    now = stamps()
    check(again.returncode == 0 and now[changed + ".json"] != before[changed + ".json"] and
          all(now[f] == before[f] for f in before if f != changed + ".json"),
          "a submission handed in again is graded again, and only it (%s)" % changed)
    forced = grade_shard(socklab, folders, tmp, 1, "--force")
    after = stamps()
    check(forced.returncode == 0 and all(after[n + ".json"] != now[n + ".json"] for n in in_shard),
          "--force grades shard 1 again (%s)" % in_shard)
    # An infrastructure failure is worth a retry: a --results folder that cannot be made.
    (tmp / "a-file").write_text("")
    bad = run([socklab, "grade", folders[0], *SELECT, "--results", str(tmp / "a-file" / "results"),
               "--out", str(tmp / "bad-out")])
    check(bad.returncode == 75, "a results folder that cannot be made exits 75, worth a retry (got %d)"
          % bad.returncode)


def merge_refusals(socklab, tmp, results):
    def merge(*dirs):
        return run([socklab, "merge", *map(str, dirs), "--csv", str(tmp / "m.csv")])

    ok = merge(results)
    check(ok.returncode == 0, "merge of a whole class exits 0 (got %d: %s)" % (ok.returncode, ok.stderr[-300:]))
    other = tmp / "other-suite"
    shutil.copytree(results, other)
    f = other / "carol.json"
    j = json.loads(f.read_text())
    j["stamp"]["suite_version"] = "63 scenarios, 000000000000"
    f.write_text(json.dumps(j))
    mixed = merge(other)
    check(mixed.returncode == 2 and "suite version" in mixed.stderr and "carol.json" in mixed.stderr,
          "merge refuses two suite versions, naming the file and the field: %s" % mixed.stderr[-400:])
    j["stamp"]["suite_version"] = json.loads((results / "alice.json").read_text())["stamp"]["suite_version"]
    j["stamp"]["course_hash"] = "0" * 16
    f.write_text(json.dumps(j))
    mixed = merge(other)
    check(mixed.returncode == 2 and "course" in mixed.stderr, "merge refuses two courses: %s" % mixed.stderr[-400:])
    f.unlink()
    missing = merge(other)
    check(missing.returncode == 1 and re.search(r"no result for 1: carol\b", missing.stderr),
          "merge names the missing submission: %s" % missing.stderr[-300:])
    twice = tmp / "twice"
    twice.mkdir()
    shutil.copy(results / "dave.json", twice / "dave.json")
    dup = merge(results, twice)
    check(dup.returncode == 1 and re.search(r"graded more than once.*: dave\b", dup.stderr),
          "merge names the submission graded twice: %s" % dup.stderr[-300:])
    none = merge(tmp / "one-out" / "nothing-here")
    check(none.returncode == 2, "merge of no result file is a usage error (got %d)" % none.returncode)


if __name__ == "__main__":
    main()
