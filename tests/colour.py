#!/usr/bin/env python3
"""Verdicts are coloured on a terminal only: socklab check under a pseudo-terminal colours them, and the
same run with NO_COLOR set, or with its output in a pipe, writes no escape byte, nor does its JSON report.
The coloured run shows that the check itself finds escape bytes when they are there."""
import argparse
import json
import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

ESC = b"\x1b"


def on_terminal(command, env):
    """What `command` writes to a pseudo-terminal as its standard output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    proc.wait(timeout=300)
    return proc.returncode, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socklab", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # A pass and a failure: the server under test is a program that exits at once.
        base = [args.socklab, "check", "--scenario", "ex5/server-answers-peer", "--out", tmp]
        failing = base + ["--impl", "ex5.server=false"]
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        failures = []

        rc, out = on_terminal(base + ["--json", str(Path(tmp) / "pass.json")], env)
        if rc != 0 or b"\x1b[32m" not in out:
            failures.append(f"on a terminal, a pass is not green (exit {rc}): {out[:300]!r}")
        if ESC in (Path(tmp) / "pass.json").read_bytes():
            failures.append("the JSON report of a run on a terminal holds an escape byte")
        rc, out = on_terminal(failing, env)
        if rc != 1 or b"\x1b[31m" not in out:
            failures.append(f"on a terminal, a failure is not red (exit {rc}): {out[:300]!r}")

        for value in ("1", "yes"):
            rc, out = on_terminal(failing, dict(env, NO_COLOR=value))
            if rc != 1 or ESC in out:
                failures.append(f"NO_COLOR={value} on a terminal: exit {rc}, escape bytes: {out[:300]!r}")
        run = subprocess.run(failing, capture_output=True, env=env, timeout=300)
        if run.returncode != 1 or ESC in run.stdout or ESC in run.stderr:
            failures.append(f"into a pipe: exit {run.returncode}, escape bytes: {run.stdout[:300]!r}")
    if failures:
        sys.exit("\n".join(failures))
    print("colour on a terminal; none with NO_COLOR, in a pipe or in the JSON report")


if __name__ == "__main__":
    main()
