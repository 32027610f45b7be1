#!/usr/bin/env python3
"""Fails when scenarios/README.md does not list every scenario that `socklab list` finds, with its
roles, tags and points, or lists one that does not exist: the table must stay true to the files. Its
audit of the core scenarios (rows "| `exN/name` | ..." saying why every correct program passes) must
name exactly the scenarios tagged core. The suite's table of durations (scenarios/durations.json, the
first guess of the order scenarios start in) must name exactly the suite's scenarios."""
import json
import re
import subprocess
import sys
from pathlib import Path

socklab, readme_path = sys.argv[1], Path(sys.argv[2])
readme = readme_path.read_text(encoding="utf-8")
listed = subprocess.run([socklab, "list"], capture_output=True, text=True, check=True).stdout.splitlines()
rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]]
        for line in readme.splitlines() if line.startswith("| ex")}
problems = []
for entry in listed:
    name, roles, tags, points = entry.split("\t")[:4]
    want = [roles.replace(",", " "), tags.replace(",", " "), points]
    if name not in rows:
        problems.append(f"{name}: missing from scenarios/README.md")
    elif rows[name] != want:
        problems.append(f"{name}: README says {rows[name]}, the file says {want}")
names = {e.split("\t")[0] for e in listed}
problems += [f"{n}: in scenarios/README.md but no such scenario" for n in rows if n not in names]
audited = {m.group(1) for m in re.finditer(r"^\| `(ex\d/[^`]+)` \|", readme, re.M)}
core = {e.split("\t")[0] for e in listed if "core" in e.split("\t")[2].split(",")}
problems += [f"{n}: a core scenario without a row in the audit of scenarios/README.md" for n in sorted(core - audited)]
problems += [f"{n}: in the audit of core scenarios, but not tagged core" for n in sorted(audited - core)]
durations = json.loads((readme_path.parent / "durations.json").read_text(encoding="utf-8"))
problems += [f"{n}: no duration in scenarios/durations.json (rerun the suite and copy its .durations.json)"
             for n in sorted(names - durations.keys())]
problems += [f"{n}: in scenarios/durations.json but no such scenario" for n in sorted(durations.keys() - names)]
problems += [f"{n}: duration {v!r} in scenarios/durations.json is not a number of seconds"
             for n, v in durations.items() if not isinstance(v, (int, float)) or v < 0]
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
