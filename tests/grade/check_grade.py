#!/usr/bin/python3
"""socklab grade on a class made of the sample submissions (tests/submissions), in a temporary folder:

- "tutorial": the tutorial's ten Python files under their tutorial names: full core points, and the
  robustness failures each explained (a hint or advice);
- one folder per broken sample, under its tutorial name: the score is what its passing scenarios are
  worth, and the advice names the known mistake;
- source hints: Python 2 with CRLF line ends, a GBK file, a BOM;
- a socklab.toml manifest, and a C++ source socklab compiles itself (block-buffered output);
- the JSON and Gradescope reports validated against their schemas (tests/grade/*.schema.json), the CSV
  against the JSON;
- the Gradescope autograder folder (gradescope/run_autograder) in a simulated /autograder layout;
- the HTML page opened in headless Chromium: the screenshot must show the sequence diagram (its arrows'
  blue, the red of a drop) and the page's layout (a white page, the score table at the top left);
- the class's index page: its counts those of the JSON report, its worst scenario, its advice most frequent first
  the ones the samples make, a link to every page; in Chromium, the histogram's bars (one blue bar per
  non-empty bin) and the worst scenario's bar (its failures' share in their colour), judged again on the
  page without its charts, where the judgement must fail; a click on the total's column sorts the table;
- the console's most frequent failures, the index's worst first.

Runs with Debian's python3 (python3-jsonschema, python3-pil)."""
import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
from html.parser import HTMLParser
from urllib.parse import unquote

from PIL import Image

ROLES = ["ex1.server", "ex2.client", "ex3.server", "ex3.client", "ex4.server",
         "ex4.client", "ex5.server", "ex5.client", "ex6.server", "ex6.client"]
TUTORIAL = {r: "good_plain.py" for r in ROLES} | {"ex4.server": "good_threads.py"}
# broken sample -> the advice it must get
BROKEN = {
    ("ex4.server", "bad_no_threads.py"): "serial-server",
    ("ex4.server", "bad_space.py"): "hello-space",
    ("ex4.server", "bad_no_banner.py"): "missing-banner",
    ("ex2.client", "bad_one_recv.py"): "one-recv",
    ("ex2.client", "bad_header_in_file.py"): "header-in-file",
    ("ex6.client", "bad_no_prompt.py"): "no-prompt",
    ("ex5.client", "bad_wrong_port.py"): "wrong-port",
    ("ex5.client", "bad_takes_stale.py"): "stale-reply",
}
GOOD = [("ex5.client", "good_retry.py"), ("ex6.client", "good_retry.py")]

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def stem(role):
    n, side = role.split(".")
    return side + n[2:]


# The index page's colours (harness/class_report.cpp): the histogram's bars, a scenario's verdicts.
BLUE = (31, 111, 235)
VERDICT_COLOURS = {"fail": (209, 36, 47), "timeout": (191, 135, 0), "crash": (130, 80, 223), "error": (87, 96, 106),
                   "build": (87, 96, 106), "pass": (26, 127, 55), "absent": (208, 215, 222)}
SEGMENTS = list(VERDICT_COLOURS)  # the bar's order, failures on the left
BAR_WIDTH = 400  # pixels for the whole class


class IndexPage(HTMLParser):
    """What the index says, read from its markup: the scenario rows, the advice, the links, the histogram."""

    def __init__(self):
        super().__init__()
        self.scenarios, self.advice, self.links, self.bins, self.hist = [], [], [], [], {}
        self.in_advice = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "g" and a.get("class") == "scenario":
            self.scenarios.append(a)
        elif tag == "li" and "data-advice" in a:
            self.in_advice = {"id": a["data-advice"], "count": int(a["data-count"]), "links": []}
            self.advice.append(self.in_advice)
        elif tag == "a" and "href" in a:
            (self.in_advice["links"] if self.in_advice else self.links).append(unquote(a["href"]))
        elif tag == "svg" and a.get("class") == "hist":
            self.hist = {k[5:]: float(v) for k, v in a.items() if k.startswith("data-")}
        elif tag == "rect" and a.get("class") == "bin":
            self.bins.append(int(a["data-count"]))

    def handle_endtag(self, tag):
        if tag == "li":
            self.in_advice = None


def class_tallies(report):
    """Per (role, scenario): the verdicts of those who handed the role in, who did not, whose build failed."""
    tallies = {}
    for s in report["submissions"]:
        for r in s["roles"]:
            for x in r["scenarios"]:
                t = tallies.setdefault((r["role"], x["scenario"]), {k: 0 for k in SEGMENTS} | {"skip": 0})
                if not r["submitted"]:
                    t["absent" if not s["error"] else "build"] += 1
                else:
                    t[x["verdict"]] += 1
    return tallies


def failures(t):
    return sum(t[k] for k in ("fail", "timeout", "crash", "error", "build"))


def class_advice(report):
    got = {}
    for s in report["submissions"]:
        ids = {a["id"] for a in s["advice"]} | {a["id"] for r in s["roles"] for x in r["scenarios"] for a in x["advice"]}
        for i in ids:
            got.setdefault(i, set()).add(s["name"])
    return got


def histogram(report):
    top = max(s["max_points"] for s in report["submissions"])
    bins = [0] * 10
    for s in report["submissions"]:
        bins[min(9, int(s["points"] / (top / 10)))] += 1
    return top, bins


def check_index_counts(page, report, html_dir):
    """The index against the JSON report of the same run; returns the worst scenario's tally."""
    tallies = class_tallies(report)
    shown = {(g["data-role"], g["data-scenario"]): {k: int(g["data-" + k]) for k in SEGMENTS} for g in page.scenarios}
    check(len(shown) == len(tallies), f"index: {len(shown)} scenario rows, the JSON has {len(tallies)}")
    for key, t in tallies.items():
        check(shown.get(key) == {k: t[k] for k in SEGMENTS}, f"index: {key} shows {shown.get(key)}, the JSON {t}")
    order = [failures(tallies[(g["data-role"], g["data-scenario"])]) for g in page.scenarios]
    check(order == sorted(order, reverse=True), f"index: scenarios worst first, got failure counts {order}")
    worst = (page.scenarios[0]["data-role"], page.scenarios[0]["data-scenario"])
    check(failures(tallies[worst]) == max(map(failures, tallies.values())), f"index: {worst} is not the worst")
    # The UDP client under a faulty network: the tutorial's has no timeout, and two samples get it wrong.
    check(worst[0] == "ex5.client" and worst[1] in ("ex5/replies-reordered", "ex5/reply-duplicated"),
          f"index: the worst scenario should be the ex5 client's reordered or duplicated reply, got {worst}")
    advice = class_advice(report)
    check({a["id"]: a["count"] for a in page.advice} == {i: len(n) for i, n in advice.items()},
          f"index: advice counts {[(a['id'], a['count']) for a in page.advice]}, the JSON {advice}")
    for a in page.advice:
        check({l[:-5] for l in a["links"]} == advice.get(a["id"], set()), f"index: who got {a['id']}: {a['links']}")
    counts = [a["count"] for a in page.advice]
    check(counts and counts == sorted(counts, reverse=True),
          f"index: the advice should come most frequent first, got {[(a['id'], a['count']) for a in page.advice]}")
    # The C++ server's printf is buffered: its advice is there, and given to no one whose program only waits.
    check(advice.get("block-buffered") == {"cpp"}, f"index: block-buffered went to {advice.get('block-buffered')}")
    pages = {s["name"] + ".html" for s in report["submissions"]}
    check(set(page.links) == pages, f"index: links {sorted(set(page.links))}, the pages {sorted(pages)}")
    check(all((html_dir / p).exists() for p in pages), "index: every page it links to exists")
    top, bins = histogram(report)
    check(page.bins == bins and page.hist.get("max") == top, f"index: histogram {page.bins} of {page.hist}, "
          f"the JSON's totals make {bins} of {top}")
    totals = [s["points"] for s in report["submissions"]]
    q1, median, q3 = statistics.quantiles(totals, n=4, method="inclusive")
    for k, v in (("q1", q1), ("median", median), ("q3", q3)):
        check(abs(page.hist.get(k, -1) - v) < 0.01, f"index: {k} {page.hist.get(k)}, the JSON's totals give {v}")
    return tallies[worst]


def screenshot(chromium, page, shot):
    shot.unlink(missing_ok=True)
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1800", f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    return Image.open(shot).convert("RGB") if shot.exists() else None


def judge_index_pixels(img, bins, worst, class_size):
    """The screenshot's judgement: a list of what is wrong (empty when the charts are there)."""
    wrong = []
    w, h = img.size
    px = img.load()
    near = lambda p, rgb, tol=30: all(abs(p[k] - rgb[k]) <= tol for k in range(3))
    if px[5, 5] != (255, 255, 255):
        wrong.append(f"a white page, got {px[5, 5]}")
    # The histogram: its bars' blue near the top left, one bar per non-empty bin along the baseline.
    blue = [(x, y) for y in range(0, h // 2) for x in range(0, 700) if near(px[x, y], BLUE)]
    if len(blue) < 300:
        return wrong + [f"the histogram's bars (blue): {len(blue)} pixels"]
    base = max(y for _, y in blue)
    row = [near(px[x, base - 1], BLUE) for x in range(0, 700)]
    runs = sum(1 for x in range(1, 700) if row[x] and not row[x - 1])
    if runs != sum(1 for b in bins if b):
        wrong.append(f"the histogram: {runs} bars along its baseline, {sum(1 for b in bins if b)} bins have totals")
    # The worst scenario's bar: the first bar under the histogram, its failures' share in their colour.
    first = next(k for k in SEGMENTS if worst[k])
    colour = VERDICT_COLOURS[first]
    y = next((y for y in range(base + 1, h) if sum(near(px[x, y], colour) for x in range(250, 800, 2)) >= 8), None)
    if y is None:
        return wrong + [f"the worst scenario's bar: no {first} colour under the histogram"]
    y += 5
    x0 = next(x for x in range(250, 800) if near(px[x, y], colour))
    red = next(x for x in range(x0, w) if not near(px[x, y], colour)) - x0
    bar = next(x for x in range(x0, w) if not any(near(px[x, y], c) for c in VERDICT_COLOURS.values())) - x0
    handed = sum(worst[k] for k in SEGMENTS)
    if abs(bar - BAR_WIDTH * handed / class_size) > 3 or abs(red - BAR_WIDTH * worst[first] / class_size) > 3:
        wrong.append(f"the worst scenario's bar: {red} of {bar} pixels {first}, expected "
                     f"{BAR_WIDTH * worst[first] / class_size:.0f} of {BAR_WIDTH * handed / class_size:.0f}")
    return wrong


def check_index(args, tmp, html, report, console):
    page_file = html / "index.html"
    check(page_file.exists(), "an index.html beside the pages")
    if not page_file.exists():
        return
    text = page_file.read_text(encoding="utf-8")
    page = IndexPage()
    page.feed(text)
    worst = check_index_counts(page, report, html)
    check("http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text,
          "the index fetches nothing")
    # The console's most frequent failures: the index's first rows, in the same order.
    lines = console.split("most frequent failures:\n")[-1].splitlines()[:5]
    check([l.split()[:2] for l in lines] == [[g["data-role"], g["data-scenario"]] for g in page.scenarios[:5]],
          f"the console's most frequent failures {lines} are the index's first rows")
    top, bins = histogram(report)
    n = len(report["submissions"])
    img = screenshot(args.chromium, page_file, tmp / "index.png")
    check(img is not None, "Chromium made a screenshot of the index")
    if img is not None:
        for w in judge_index_pixels(img, bins, worst, n):
            check(False, "index: " + w)
    # The same judgement must fail on the page without its charts.
    bare = html / "index-without-charts.html"
    bare.write_text(re.sub(r'<svg class="(hist|bars)".*?</svg>', "", text, flags=re.S), encoding="utf-8")
    img = screenshot(args.chromium, bare, tmp / "index-bare.png")
    wrong = judge_index_pixels(img, bins, worst, n) if img else []
    check(any("histogram" in w for w in wrong), f"the judgement sees no histogram on a page without it: {wrong}")
    bare.write_text(re.sub(r'<svg class="bars".*?</svg>', "", text, flags=re.S), encoding="utf-8")
    img = screenshot(args.chromium, bare, tmp / "index-bare.png")
    wrong = judge_index_pixels(img, bins, worst, n) if img else []
    check(any("worst scenario" in w for w in wrong), f"the judgement sees no bars on a page without them: {wrong}")
    bare.unlink()
    # A click on the total's column sorts the table by it.
    clicked = html / "index-clicked.html"
    clicked.write_text(text.replace("</body>", "<script>document.querySelectorAll('table.sortable th')[7].click()"
                                    "</script></body>"), encoding="utf-8")
    dom = subprocess.run([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          clicked.as_uri()], capture_output=True, text=True, timeout=120).stdout
    clicked.unlink()
    totals = [float(v) for v in re.findall(r'<td data-v="([-\d.e+]+)">[^<]*</td></tr>', dom)]
    check(len(totals) == n and totals == sorted(totals), f"a click on the total sorts the table: {totals}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--source", required=True, help="the repository")
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--keep", help="keep the class and reports in this folder")
    args = ap.parse_args()
    src = Path(args.source)
    samples = src / "tests" / "submissions"
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="socklab-grade-test-"))
    tmp.mkdir(parents=True, exist_ok=True)
    cls = tmp / "class"
    shutil.rmtree(cls, ignore_errors=True)
    dirs = []

    def folder(name):
        d = cls / name
        d.mkdir(parents=True)
        dirs.append(d)
        return d

    tut = folder("tutorial")
    for role, f in TUTORIAL.items():
        shutil.copy(samples / role / f, tut / (stem(role) + ".py"))
    for (role, f) in list(BROKEN) + GOOD:
        shutil.copy(samples / role / f, folder(f"{role}-{f[:-3]}") / (stem(role) + ".py"))
    py2 = folder("py2-crlf")
    (py2 / "client6.py").write_bytes(b"import socket\r\nn = int(raw_input('n:'))\r\nprint 'result', n\r\n")
    gbk = folder("gbk")
    (gbk / "client5.py").write_bytes((samples / "ex5.client" / "good_plain.py").read_bytes().replace(
        b"import socket", "import socket\nprint('开始')".encode("gbk")))
    bom = folder("bom")
    (bom / "server5.py").write_bytes(b"\xef\xbb\xbf" + (samples / "ex5.server" / "good_plain.py").read_bytes())
    man = folder("manifest")
    shutil.copy(samples / "ex5.server" / "good_plain.py", man / "my_echo.py")
    (man / "socklab.toml").write_text('[roles]\n"ex5.server" = "python3 my_echo.py"\n')
    cpp = folder("cpp")
    shutil.copy(samples / "ex5.server" / "cpp" / "server5.cpp", cpp / "server5.cpp")

    out = tmp / "out"
    reports = {k: tmp / f"grade.{k}" for k in ("json", "csv", "xml")}
    html = tmp / "html"
    cmd = [args.socklab, "grade", *map(str, dirs), "-j", "8", "--out", str(out), "--json", str(reports["json"]),
           "--csv", str(reports["csv"]), "--junit", str(reports["xml"]), "--html", str(html), "--lang", "en"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    print(run.stdout[-3000:])
    check(run.returncode == 0, f"grade exits 0 once graded, points lost or not, got {run.returncode}: {run.stderr}")
    # The README's example table is this run's: its tutorial row is the one socklab prints.
    readme_row = next(l for l in (src / "README.md").read_text(encoding="utf-8").splitlines()
                      if l.startswith("tutorial "))
    # (the table's row, the last line that starts so: the role lines printed while grading come first)
    run_row = next((l for l in reversed(run.stdout.splitlines()) if l.startswith("tutorial ")), "")
    check(readme_row.split() == run_row.split(),
          f"the README's tutorial row {readme_row.split()} is not this run's {run_row.split()}")
    report = json.loads(reports["json"].read_text())
    jsonschema.validate(report, json.loads((src / "tests/grade/grade.schema.json").read_text()))
    subs = {s["name"]: s for s in report["submissions"]}
    check(len(subs) == len(dirs), f"{len(dirs)} submissions graded, report has {len(subs)}")
    check("python3" in report["interpreters"], "the report names the Python that ran the submissions")

    def role(sub, r):
        return next(x for x in subs[sub]["roles"] if x["role"] == r)

    def failed(x):
        return [s for s in x["scenarios"] if s["verdict"] not in ("pass", "skip")]

    # The tutorial's files: every core point, every robustness failure explained.
    for r in ROLES:
        x = role("tutorial", r)
        for s in x["scenarios"]:
            if "core" in s["tags"]:  # skip: not applicable (ex2/other-address needs {host} {port}), not counted
                check(s["verdict"] in ("pass", "skip"),
                      f"tutorial {r} {s['scenario']}: a core scenario, got {s['verdict']}")
                check(s["verdict"] == "pass" or s["max_score"] == 0, f"tutorial {r} {s['scenario']}: a skip counts 0")
        for s in failed(x):
            check("hint:" in s["message"] or s["advice"], f"tutorial {r} {s['scenario']} fails unexplained")
        check(abs(x["points"] - sum(s["score"] for s in x["scenarios"])) < 1e-9, f"tutorial {r}: points add up")
    ids = {a["id"] for s in failed(role("tutorial", "ex5.client")) for a in s["advice"]}
    check({"hang-after-loss", "stale-reply"} <= ids, f"the tutorial's ex5 client: advice {ids}")

    # Broken samples: the mistake named, the score what the passing scenarios are worth.
    for (r, f), advice in BROKEN.items():
        name = f"{r}-{f[:-3]}"
        x = role(name, r)
        got = {a["id"] for s in failed(x) for a in s["advice"]}
        check(advice in got, f"{name}: expected advice '{advice}', got {sorted(got)}")
        worth = sum(s["max_score"] for s in x["scenarios"] if s["verdict"] == "pass")
        check(x["points"] == worth and x["points"] < x["max_points"], f"{name}: {x['points']} of {x['max_points']}")
        others = [y for y in subs[name]["roles"] if y["role"] != r]
        check(all(not y["submitted"] and y["points"] == 0 and "not submitted" in y["reason"] for y in others),
              f"{name}: the roles it lacks score 0, 'not submitted'")
    for r, f in GOOD:
        x = role(f"{r}-{f[:-3]}", r)
        check(x["points"] == x["max_points"] > 0, f"{r} {f}: full points, got {x['points']}/{x['max_points']}")

    # Source hints, the manifest, a compiled source.
    advice_ids = lambda n: {a["id"] for a in subs[n]["advice"]}
    check({"python2", "crlf"} <= advice_ids("py2-crlf"), f"py2-crlf: {advice_ids('py2-crlf')}")
    check("not-utf8" in advice_ids("gbk"), f"gbk: {advice_ids('gbk')}")
    check("bom" in advice_ids("bom"), f"bom: {advice_ids('bom')}")
    check(role("bom", "ex5.server")["points"] == role("bom", "ex5.server")["max_points"], "a BOM does not stop Python")
    m = role("manifest", "ex5.server")
    check(m["submitted"] and m["points"] == m["max_points"], f"manifest: {m['points']}/{m['max_points']} {m['reason']}")
    c = role("cpp", "ex5.server")
    cids = {a["id"] for s in failed(c) for a in s["advice"]}
    check(c["submitted"] and "block-buffered" in cids, f"cpp: submitted {c['submitted']}, advice {cids}, {c['reason']}")

    # CSV = JSON.
    rows = list(csv.DictReader(reports["csv"].open()))
    check(len(rows) == len(subs), "one CSV row per submission")
    for row in rows:
        s = subs[row["submission"]]
        check(abs(float(row["total"]) - round(s["points"], 2)) < 0.01, f"CSV total of {row['submission']}")
        check(abs(float(row["ex5"]) - s["examples"]["ex5"]["points"]) < 0.01, f"CSV ex5 of {row['submission']}")
    check("<testsuites" in reports["xml"].read_text(), "JUnit XML written")

    # The Gradescope autograder folder, in a simulated /autograder.
    ag = tmp / "autograder"
    shutil.rmtree(ag, ignore_errors=True)
    (ag / "source").mkdir(parents=True)
    shutil.copytree(tut, ag / "submission")
    for f in ("setup.sh", "run_autograder"):
        shutil.copy(src / "gradescope" / f, ag / "source" / f)
    env = dict(os.environ, AUTOGRADER_ROOT=str(ag), SOCKLAB=args.socklab)
    gs = subprocess.run(["bash", str(ag / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                        timeout=1500)
    check(gs.returncode == 0, f"run_autograder exits 0 (Gradescope reads results.json): {gs.returncode}")
    results = json.loads((ag / "results" / "results.json").read_text())
    jsonschema.validate(results, json.loads((src / "tests/grade/gradescope.schema.json").read_text()))
    check(abs(results["score"] - subs["tutorial"]["points"]) < 1e-6,
          f"Gradescope score {results['score']} = grade's {subs['tutorial']['points']}")
    check(abs(sum(t["score"] for t in results["tests"]) - results["score"]) < 1e-6, "the tests' scores add up")
    check((ag / "results" / "report.html").exists(), "the autograder keeps the HTML page beside results.json")
    check(subprocess.run(["bash", "-n", str(src / "gradescope" / "setup.sh")]).returncode == 0, "setup.sh parses")

    # The HTML page in Chromium: a screenshot, judged by its layout and colours.
    page = html / "ex5.client-bad_takes_stale.html"
    shot = tmp / "page.png"
    subprocess.run([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1800", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120)
    check(shot.exists(), "Chromium made a screenshot")
    if shot.exists():
        img = Image.open(shot).convert("RGB")
        w, h = img.size
        px = img.load()

        def count(rgb, box, tol=40):
            x0, y0, x1, y1 = box
            return sum(1 for x in range(x0, x1, 2) for y in range(y0, y1, 2)
                       if all(abs(px[x, y][k] - rgb[k]) <= tol for k in range(3)))

        check(px[5, 5] == (255, 255, 255), f"a white page, got {px[5, 5]}")
        check(count((0, 0, 0), (0, 0, 700, 60), 90) > 50, "the title at the top left")
        check(count((208, 215, 222), (0, 40, 400, 500), 12) > 100, "the score table's borders near the top left")
        blue = count((31, 111, 235), (0, 0, w, h))
        red = count((209, 36, 47), (0, 0, w, h))
        amber = count((191, 135, 0), (0, 0, w, h))
        check(blue > 150, f"the diagram's arrows (blue): {blue} pixels")
        check(red > 30, f"the failure in red: {red} pixels")
        check(amber > 30, f"the duplicated reply's arrow (amber): {amber} pixels")
    check_index(args, tmp, html, report, run.stdout)
    if problems:
        print("\n".join(problems))
        print(f"(the class and reports are in {tmp})")
        sys.exit(1)
    print(f"grade: {len(subs)} submissions graded as expected; reports valid; Gradescope folder works; "
          f"the HTML page renders its diagram; the index counts and draws the class")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
