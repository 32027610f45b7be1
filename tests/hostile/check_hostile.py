#!/usr/bin/python3
"""The hostile corpus' checker: does socklab's sandbox hold against each attack in this folder?

Usage: check_hostile.py --socklab PATH [--only ATTACK ...] [--switched-off DEFENCE] [--keep] [-v]

With --switched-off DEFENCE (uid, fs, cgroup, landlock, caps: SOCKLAB_SANDBOX_OFF) the verdicts turn
round: each selected attack must get through, which shows that DEFENCE is what stops it; a correct victim
that loses points alone makes any verdict a failure (the grade itself is broken then).

For each attack folder next to this file (every folder but the victims): grade the victim alone, then grade
the attacker together with --victims copies of the victim (the attacker first, so that the victims are graded
while the attack is under way: -j 3 leaves the attacker two workers and the victims one; thread_storm also
gets copies of victim_threads/, a correct server and client that start threads), and check that:
  - no "SANDBOX-BROKEN: ..." line is anywhere: the JSON report, the transcripts under --out, socklab's
    stdout and stderr (the attackers print it for every right they got; a sabotaged victim prints it too);
  - every victim copy scores exactly what that victim scores alone;
  - nothing is left in /tmp, /var/tmp, /dev/shm or /run that the grade made (the attackers' files, named
    *hostile*, and scenario folders holding a copy of a submission; other new names are only noted, the
    machine may be shared), no file /etc/socklab-* appeared, and no process of the grade is still running:
    one seen below socklab while it ran, orphaned to this checker (a child subreaper), or carrying this
    run's marker in its environment (they are reported with their uid, and killed);
  - the machine-wide OOM killer did not fire (the kernel log), and socklab exited 0 or 1 within --timeout;
  - and the attack's own checks: build_include_shadow (no report holds /etc/shadow's first line),
    terminal (socklab's console shows no raw ESC, C0/C1 control, bidi override or line separator, also
    through `socklab check` and a folder name holding them), transcript_blowup (every file under --out is
    under 8 MiB), memory_hog (no run touched --max-run-memory-mib), unix_socket (no connection reached
    the root-owned listeners this checker starts), tmp_leftovers (graded with --json
    /tmp/socklab-report.json, which the attacker turns into a link to /etc/socklab-clobbered).

Prints "PASS attack" (the defence held) or "FAIL attack: why" per attack, then "N passed, M failed";
exit 0 only when every attack passed. Run it as root (socklab must run the programs under test as another
user). The submissions are copied into a temporary folder (mode 0755, as an instructor's folder usually is)
before grading, so that a sabotage that works never touches this repository. Only Python's standard library.
"""

import argparse
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = ('VICTIM-' + 'SECRET-' + '7f3a9c').encode()  # split: this file must not hold the victim's marker
BROKEN = re.compile(rb'SANDBOX-' + rb'BROKEN: ([A-Za-z_]+): (.*?)(?:\\n"|\\n|"$|\n|$)', re.M)
INFO = re.compile(rb'HOSTILE-INFO: ([A-Za-z_]+): (.*?)(?:\\n"|\\n|"$|\n|$)', re.M)
# The brief's order first, then what was added to it; any other folder afterwards, by name.
ORDER = ['root', 'build_as_root', 'build_include_shadow', 'root_path', 'read_victim', 'sabotage_victim',
         'thread_storm', 'tmp_leftovers', 'unix_socket', 'memory_hog', 'escape_proc', 'terminal',
         'transcript_blowup', 'poke_victim', 'build_log_symlink']
SOCKETS = ['/tmp/socklab-hostile.sock', '/run/socklab-hostile.sock']
ABSTRACT = '\0socklab-hostile'
REPORT_LINK = '/tmp/socklab-report.json'
WATCHED = ['/tmp', '/var/tmp', '/dev/shm', '/run']
# The victims each attack is graded with (copies of each, --victims in all): the default, and a victim that
# starts threads, for the attacks on the number of threads and processes.
VICTIMS = {'thread_storm': ['victim', 'victim_threads']}
KNOWN_UIDS = set()
TERMINAL_NAME = 'terminal-\x1b[31m-\u009b32m-\u202e-\u2028'
# What must never reach the grader's terminal raw: C0 controls but \t \n \r, DEL, C1 controls (U+0080-9F,
# in UTF-8 C2 80..C2 9F), bidirectional overrides and isolates, line and paragraph separators.
RAW_TERMINAL = re.compile(rb'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]')


def log(args, text):
    if args.verbose:
        print('  ' + text, flush=True)


# ------------------------------------------------------------------------------------------- machine state

def boot_time():
    with open('/proc/stat') as f:
        for line in f:
            if line.startswith('btime'):
                return int(line.split()[1])
    return 0


BTIME = boot_time()
HZ = os.sysconf('SC_CLK_TCK')


def processes():
    """pid -> (uid, start time (epoch s), argv, environ bytes, ppid, start ticks, state) of every process."""
    out = {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % p, 'rb') as f:
                st = f.read()
            fields = st[st.rindex(b')') + 2:].split()
            ticks, ppid, state = int(fields[19]), int(fields[1]), fields[0].decode()
            start = ticks / HZ + BTIME
            uid = os.stat('/proc/' + p).st_uid
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                argv = [a.decode('utf-8', 'replace') for a in f.read().split(b'\0') if a]
            try:
                with open('/proc/%s/environ' % p, 'rb') as f:
                    env = f.read()
            except OSError:
                env = b''
        except (OSError, ValueError, IndexError):
            continue
        out[int(p)] = (uid, start, argv, env, ppid, ticks, state)
    return out


def listing():
    """Every name in the watched folders: their top level, /run down to four levels."""
    seen = set()
    for d in WATCHED:
        if d == '/run':
            for root, dirs, files in os.walk(d):
                if root.count(os.sep) >= 4:
                    dirs[:] = []
                for n in dirs + files:
                    seen.add(os.path.join(root, n))
        else:
            try:
                seen.update(os.path.join(d, n) for n in os.listdir(d))
            except OSError:
                pass
    try:
        seen.update(os.path.join('/etc', n) for n in os.listdir('/etc') if n.startswith('socklab-'))
    except OSError:
        pass
    return seen


def oom_kills():
    """Kills by the machine-wide OOM killer (a run's own memory cgroup killing its program is the defence
    working, not a failure): counted from the kernel log, where the two read differently."""
    try:
        log_text = subprocess.run(['dmesg'], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sum(1 for line in log_text.splitlines()
               if 'Out of memory: Killed process' in line and 'Memory cgroup' not in line)


def accounts():
    return {p.pw_uid for p in pwd.getpwall()}


def remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


class Tracker:
    """Every process below socklab while it runs, polled from /proc: (pid, start time) pairs."""

    def __init__(self):
        self.root, self.seen, self.stop = None, set(), threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        while not self.stop.is_set():
            if self.root:
                children = {}
                for p in os.listdir('/proc'):
                    if not p.isdigit():
                        continue
                    try:
                        with open('/proc/%s/stat' % p, 'rb') as f:
                            st = f.read()
                        fields = st[st.rindex(b')') + 2:].split()
                        children.setdefault(int(fields[1]), []).append((int(p), int(fields[19])))
                    except (OSError, ValueError, IndexError):
                        pass
                todo = [self.root]
                while todo:
                    for pid, start in children.get(todo.pop(), []):
                        if (pid, start) not in self.seen:
                            self.seen.add((pid, start))
                        todo.append(pid)
            self.stop.wait(0.02)

    def close(self):
        self.stop.set()
        self.thread.join()


def subreaper():
    """Orphans of socklab's subtree become this process's children (and so, attributable to the grade)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ------------------------------------------------------------------------------------------- listeners

class Listeners:
    """Root-owned UNIX listeners anyone may connect to (mode 0666), and an abstract one: a connection from
    a program under test proves it shares the machine's file system or network namespace."""

    def __init__(self):
        self.socks, self.hits, self.stop = [], [], threading.Event()
        for path in SOCKETS:
            try:
                if os.path.lexists(path) and stat.S_ISSOCK(os.lstat(path).st_mode):
                    os.unlink(path)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind(path)
                os.chmod(path, 0o666)
                s.listen(64)
                self.socks.append((path, s))
            except OSError:
                pass
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(ABSTRACT)
            s.listen(64)
            self.socks.append(('@' + ABSTRACT[1:], s))
        except OSError:
            pass
        for name, s in self.socks:
            s.settimeout(0.2)
            threading.Thread(target=self.serve, args=(name, s), daemon=True).start()

    def serve(self, name, s):
        while not self.stop.is_set():
            try:
                c, _ = s.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                cred = c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
                pid, uid = int.from_bytes(cred[0:4], 'little'), int.from_bytes(cred[4:8], 'little')
            except OSError:
                pid = uid = -1
            self.hits.append('%s (from pid %d, uid %d)' % (name, pid, uid))
            c.close()

    def close(self):
        self.stop.set()
        for name, s in self.socks:
            s.close()
            if not name.startswith('@'):
                try:
                    os.unlink(name)
                except OSError:
                    pass


# ------------------------------------------------------------------------------------------- socklab

def run(cmd, cwd, env, timeout, tracker=None):
    """(returncode or None on timeout, stdout bytes, stderr bytes, seconds)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    if tracker:
        tracker.root = p.pid
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out, err, time.monotonic() - t0
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        out, err = p.communicate()
        return None, out, err, time.monotonic() - t0


def files_under(d, skip_staged=True):
    for root, dirs, files in os.walk(d):
        if skip_staged:
            dirs[:] = [x for x in dirs if x != '.staged']
        for n in files:
            yield os.path.join(root, n)


def read_bytes(path, limit=64 << 20):
    try:
        with open(path, 'rb') as f:
            return f.read(limit)
    except OSError:
        return b''


def points_by_name(report):
    try:
        return {s['name']: (s['points'], s['max_points'], s.get('error', '')) for s in report['submissions']}
    except (KeyError, TypeError):
        return {}


def copy_submission(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    for root, dirs, files in os.walk(dst):
        os.chmod(root, 0o755)
        for n in files:
            p = os.path.join(root, n)
            if not os.path.islink(p):
                os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)


def digests(folder):
    out = set()
    for p in files_under(folder, skip_staged=False):
        if not os.path.islink(p):
            out.add(hashlib.sha256(read_bytes(p)).hexdigest())
    return out


def cut(b):
    """A line as a transcript or the JSON quotes it, up to where the quoting escapes something."""
    return re.split(rb'\\|"', b)[0]


def short(b, n=160):
    t = b.decode('utf-8', 'replace') if isinstance(b, bytes) else b
    t = t.encode('unicode_escape').decode('ascii')  # never echo a hostile byte to our own terminal
    return t if len(t) <= n else t[:n] + '...'


# ------------------------------------------------------------------------------------------- one attack

class Attack:
    def __init__(self, name, args, work, env):
        self.name, self.args, self.env = name, args, env
        self.work = os.path.join(work, name)
        self.why = []
        self.notes = []
        self.findings = {}

    def fail(self, why):
        if why not in self.why:
            self.why.append(why)

    def grade(self, folders, tag, json_path=None, tracker=None):
        out = os.path.join(self.work, tag + '-out')
        json_path = json_path or os.path.join(self.work, tag + '.json')
        cmd = [self.args.socklab, 'grade'] + folders + ['--scenario', self.args.scenario, '--json', json_path,
                                                       '--out', out, '-j', str(self.args.jobs)]
        rc, so, se, secs = run(cmd, self.work, self.env, self.args.timeout, tracker)
        log(self.args, '%s: socklab grade exit %s in %.1f s' % (tag, rc, secs))
        return rc, so, se, out, json_path

    def check(self):
        a = self.args
        os.makedirs(self.work)
        subs = os.path.join(self.work, 'subs')
        os.makedirs(subs)
        attacker_name = TERMINAL_NAME if self.name == 'terminal' else self.name
        attacker = os.path.join(subs, attacker_name)
        copy_submission(os.path.join(HERE, self.name), attacker)
        kinds = VICTIMS.get(self.name, ['victim'])
        per_kind = max(1, a.victims // len(kinds)) if len(kinds) > 1 else a.victims
        victims = {}  # copy's name -> its kind
        for kind in kinds:
            for i in range(1, per_kind + 1):
                copy_submission(os.path.join(HERE, kind), os.path.join(subs, '%s%d' % (kind, i)))
                victims['%s%d' % (kind, i)] = kind
        # A mark of this run in every submission: a folder left behind is ours when it holds the mark (the
        # same victims graded by a test beside this one have other marks).
        mark = ('socklab hostile run %s\n' % os.urandom(16).hex()).encode()
        for sub in os.listdir(subs):
            with open(os.path.join(subs, sub, 'run-mark.txt'), 'wb') as f:
                f.write(mark)
        ours = {hashlib.sha256(mark).hexdigest()}

        # 1. each victim alone
        base = {}
        for kind in kinds:
            rc, so, se, out, jp = self.grade([os.path.join(subs, kind + '1')], 'alone-' + kind)
            alone = points_by_name(json.loads(read_bytes(jp) or b'{}'))
            if rc not in (0, 1) or kind + '1' not in alone:
                self.fail('%s alone could not be graded (socklab exit %s): %s' % (kind, rc, short(se)))
                return
            base[kind] = alone[kind + '1'][0]
            if alone[kind + '1'][0] != alone[kind + '1'][1]:
                # A correct victim that loses points alone means the grade itself is broken: whatever the
                # attack then does proves nothing, either way.
                self.invalid = '%s alone scores %s/%s, not every point' % ((kind,) + alone[kind + '1'][:2])
                self.fail(self.invalid)
                return

        # 2. the attacker first, then the victims, together
        json_path = None
        if self.name == 'tmp_leftovers':
            if os.path.lexists(REPORT_LINK):
                if os.path.islink(REPORT_LINK) and os.readlink(REPORT_LINK) == '/etc/socklab-clobbered':
                    os.unlink(REPORT_LINK)  # a stale one from an earlier run of this checker
                else:
                    self.notes.append('%s exists already: the report-link test is skipped' % REPORT_LINK)
            if not os.path.lexists(REPORT_LINK):
                json_path = REPORT_LINK
        listeners = Listeners() if self.name == 'unix_socket' else None
        before = listing()
        procs_before = processes()
        oom_before = oom_kills()
        tracker = Tracker()
        try:
            rc, so, se, out, jp = self.grade([attacker] + [os.path.join(subs, v) for v in victims], 'together',
                                             json_path, tracker)
        finally:
            if listeners:
                listeners.close()
        time.sleep(0.5)  # the last reapers' teardown
        tracker.close()
        report_bytes = read_bytes(jp)
        if json_path == REPORT_LINK:
            if os.path.lexists('/etc/socklab-clobbered'):
                self.fail('socklab wrote its --json report through the link %s the attacker planted, into '
                          '/etc/socklab-clobbered' % REPORT_LINK)
                report_bytes = report_bytes or read_bytes('/etc/socklab-clobbered')
            if os.path.isfile(REPORT_LINK) and not os.path.islink(REPORT_LINK):
                os.unlink(REPORT_LINK)  # the report itself: ours
        if rc is None:
            self.fail('socklab grade did not finish within %d s' % a.timeout)
        elif rc not in (0, 1):
            self.fail('socklab grade exited %s: %s' % (rc if rc >= 0 else 'by signal %d' % -rc, short(se)))
        try:
            report = json.loads(report_bytes or b'{}')
        except ValueError:
            report = {}
            self.fail('the JSON report cannot be read')
        together = points_by_name(report)

        # SANDBOX-BROKEN anywhere
        sources = [('the JSON report', report_bytes), ("socklab's stdout", so), ("socklab's stderr", se)]
        sources += [('transcript ' + os.path.relpath(p, out), read_bytes(p)) for p in files_under(out)]
        infos = []
        for where, data in sources:
            for m in BROKEN.finditer(data):
                self.broken(m.group(1) + b': ' + m.group(2), where)
            infos += [(m.group(1), cut(m.group(2))) for m in INFO.finditer(data)]
        self.report_broken()

        # the victims' points
        lost = []
        for n, kind in victims.items():
            got = together.get(n)
            if got is None:
                self.fail('%s is missing from the report' % n)
            elif got[0] != base[kind]:
                lost.append((n, got[0], base[kind]))
        if lost:
            first = lost[0][0]
            why = [r for r in report.get('results', []) if r.get('submission') == first and r.get('score') != r.get('max_score')]
            detail = '; '.join('%s %s: %s' % (r.get('scenario'), r.get('verdict'), short(r.get('message', ''), 90))
                               for r in why[:1])
            self.fail('%d of %d victims lost points: %s (e.g. %s: %s)' % (
                len(lost), len(victims), ', '.join('%s %s/%s' % x for x in lost[:6]), first, detail))

        # the attack's own checks
        getattr(self, 'check_' + self.name, lambda *x: None)(so, se, out, report_bytes, infos, listeners)

        # leftovers, processes, OOM
        self.check_leftovers(before, ours)
        self.check_processes(procs_before, tracker)
        oom_after = oom_kills()
        if oom_before is not None and oom_after is not None and oom_after > oom_before:
            self.fail('the machine-wide OOM killer fired %d times during the grade' % (oom_after - oom_before))
        att = together.get(attacker_name)
        if att:
            self.notes.append('the attacker scored %s/%s%s' % (att[0], att[1], ' (%s)' % short(att[2], 80) if att[2] else ''))
        for k, v in infos:
            if k.decode() == self.name:
                self.notes.append('info: ' + short(v, 140))
        self.notes = list(dict.fromkeys(self.notes))

    def broken(self, line, where):
        """One SANDBOX-BROKEN line, cut where a transcript or the JSON escapes its end, and where it was."""
        text = cut(line).decode('utf-8', 'replace').rstrip(' .')
        self.findings.setdefault(text, []).append(where)

    def report_broken(self):
        merged = {}
        for k in sorted(self.findings, key=len, reverse=True):  # a quoted prefix joins its whole line
            home = next((m for m in merged if m.startswith(k)), None)
            if home is None:
                merged[k] = list(self.findings[k])
            else:
                merged[home] += self.findings[k]
        items = list(merged.items())
        items.sort(key=lambda kv: -sum(w.startswith('transcript') for w in kv[1]))
        kinds = {}  # one of each kind first (the same line about another path or number is another kind's)
        for kv in items:
            kinds.setdefault(re.sub(r'/\S+|\d+', '', kv[0]), []).append(kv)
        items = [v[0] for v in kinds.values()] + [kv for v in kinds.values() for kv in v[1:]]
        for text, where in items[:4]:
            n = sum(w.startswith('transcript') for w in where)
            others = sorted({w for w in where if not w.startswith('transcript')})
            places = others + (['%d transcript%s' % (n, 's' if n > 1 else '')] if n else [])
            self.fail('SANDBOX-BROKEN %s [in %s]' % (short(text, 150), ', '.join(places)))
        if len(items) > 4:
            self.fail('and %d more SANDBOX-BROKEN lines' % (len(items) - 4))

    # ---- per-attack checks

    def check_build_include_shadow(self, so, se, out, report, infos, listeners):
        first = read_bytes('/etc/shadow').split(b'\n')[0].strip()
        if len(first) < 4:
            self.notes.append('/etc/shadow has no first line to look for')
            return
        sources = [('the JSON report', report), ("socklab's console", so + se)]
        sources += [(os.path.relpath(p, out), read_bytes(p)) for p in files_under(out)]
        for where, data in sources:
            if first in data:
                self.fail("%s holds /etc/shadow's first line (%s...)" % (where, short(first.split(b':')[0], 20)))

    def check_terminal(self, so, se, out, report, infos, listeners):
        for where, data in (("socklab grade's stdout", so), ("socklab grade's stderr", se)):
            for m in list(RAW_TERMINAL.finditer(data))[:1]:
                self.fail('%s shows %s raw' % (where, short(m.group(0))))
        plain = os.path.join(self.work, 'check-terminal')  # a path without the hostile characters: the
        copy_submission(os.path.join(HERE, self.name), plain)  # command line is the instructor's, not the attack
        copy = os.path.join(plain, 'server5.py')
        cmd = [self.args.socklab, 'check', '--impl', 'ex5.server=python3 %s --loud' % copy,
               '--scenario', 'ex5/tutorial-run', '--out', os.path.join(self.work, 'check-out')]
        rc, cso, cse, secs = run(cmd, self.work, self.env, self.args.timeout)
        if rc is None:
            self.fail('socklab check did not finish within %d s' % self.args.timeout)
        found = set()
        for where, data in (("socklab check's stdout", cso), ("socklab check's stderr", cse)):
            for m in RAW_TERMINAL.finditer(data):
                if m.group(0) not in found:
                    found.add(m.group(0))
                    self.fail('%s shows %s raw' % (where, short(m.group(0))))
        if b'ESC[' not in cso + cse:
            self.notes.append("socklab check's console does not quote the program's output at all")

    def check_transcript_blowup(self, so, se, out, report, infos, listeners):
        big = [(os.path.getsize(p), p) for p in files_under(out, skip_staged=False)]
        big.sort(reverse=True)
        if big and big[0][0] >= 8 << 20:
            self.fail('%s is %.1f MiB (limit 8 MiB)' % (os.path.relpath(big[0][1], out), big[0][0] / 1048576))
        if len(report) >= 8 << 20:
            self.fail('the JSON report is %.1f MiB' % (len(report) / 1048576))

    def check_memory_hog(self, so, se, out, report, infos, listeners):
        touched = [int(m.group(1)) for k, v in infos if k == b'memory_hog'
                   for m in [re.match(rb'touched (\d+) MiB', v)] if m]
        peak = max(touched, default=0)
        self.notes.append('one run touched %d MiB at most' % peak)
        if peak >= self.args.max_run_memory_mib:
            self.fail('one run touched %d MiB without being stopped (limit %d MiB)' % (peak, self.args.max_run_memory_mib))

    def check_thread_storm(self, so, se, out, report, infos, listeners):
        for k, v in infos:
            if k == b'thread_storm' and v.startswith(b'holding'):
                self.notes.append(short(v, 100))
                break

    def check_unix_socket(self, so, se, out, report, infos, listeners):
        if listeners and not listeners.socks:
            self.notes.append('no listener could be started')
        for h in (listeners.hits if listeners else [])[:3]:
            self.fail("a program under test connected to the checker's root-owned socket %s" % h)

    # ---- after every grade

    def check_leftovers(self, before, ours):
        own = {self.args.workdir}
        new = sorted(listing() - before - own)
        for p in new:
            if p.startswith(tuple(o + os.sep for o in own)):
                continue
            name = os.path.basename(p)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            mine = 'hostile' in name or name == 'socklab-report.json' or p.startswith('/etc/socklab-')
            if not mine and name.startswith('socklab') and stat.S_ISDIR(st.st_mode) and digests(p) & ours:
                self.fail('a scenario folder holding a copy of a submission was left behind: %s' % p)
                remove(p)
                continue
            if mine:
                what = ' -> ' + os.readlink(p) if stat.S_ISLNK(st.st_mode) else ' (%d bytes)' % st.st_size \
                    if stat.S_ISREG(st.st_mode) else ''
                self.fail('left behind: %s%s' % (p, what))
                remove(p)
            else:  # the machine may be shared: what cannot be told apart from another's work is only noted
                self.notes.append('new since the grade began, not attributed to it: %s (uid %d)' % (p, st.st_uid))

    def check_processes(self, before, tracker):
        """Whatever the grade started and is still running: seen below socklab, orphaned to this checker (a
        subreaper), or carrying this run's marker in its environment. Killed after being reported."""
        time.sleep(0.2)
        reap()
        marker = self.env['SOCKLAB_HOSTILE_RUN'].encode()
        for pid, (uid, start, argv, env, ppid, ticks, state) in processes().items():
            if pid == os.getpid() or state == 'Z':
                continue
            old = before.get(pid)
            if old is not None and old[5] == ticks:
                continue
            if (pid, ticks) in tracker.seen or ppid == os.getpid() or marker in env:
                who = 'uid %d%s' % (uid, '' if uid in KNOWN_UIDS else ', which no account has')
                self.fail('process %d (%s, %s) of the grade is still running' % (pid, ' '.join(argv)[:60], who))
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            elif argv[:2] == ['sleep', '30']:
                self.notes.append('a `sleep 30` (pid %d, uid %d) not attributed to the grade started during it' % (pid, uid))
        time.sleep(0.1)
        reap()


# ------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--socklab', required=True, help='the socklab binary to test')
    ap.add_argument('--only', nargs='+', metavar='ATTACK', help='only these attacks')
    ap.add_argument('--keep', action='store_true', help='keep the temporary folder (its path is printed)')
    ap.add_argument('--scenario', default='ex5/[it][nu]*[sn]',
                    help='the scenarios graded (a glob; default: ex5/interleaved-clients and ex5/tutorial-run)')
    ap.add_argument('--victims', type=int, default=6, help='copies of the victims graded with each attacker')
    ap.add_argument('-j', '--jobs', type=int, default=3, help="socklab's -j for the grades")
    ap.add_argument('--timeout', type=int, default=120, help='seconds each socklab command may take')
    ap.add_argument('--max-run-memory-mib', type=int, default=2048,
                    help='memory_hog fails when one run touched this much')
    ap.add_argument('--switched-off', metavar='DEFENCE',
                    help="switch one of socklab's defences off (SOCKLAB_SANDBOX_OFF) and require that every "
                         "selected attack then gets through: the proof that the defence is what stops them")
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    args.socklab = os.path.abspath(args.socklab)
    if not os.access(args.socklab, os.X_OK):
        print('check_hostile.py: no socklab at %s' % args.socklab, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print('check_hostile.py: skipped: run it as root (socklab must run the programs under test as another '
              'user; as an ordinary user they run as that user, in a file system of their own)', file=sys.stderr)
        return 77
    names = [n for n in os.listdir(HERE) if not n.startswith('victim') and os.path.isdir(os.path.join(HERE, n))
             and not n.startswith(('.', '_'))]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            print('check_hostile.py: no attack %s (there are: %s)' % (', '.join(unknown), ' '.join(names)),
                  file=sys.stderr)
            return 2
        names = [n for n in names if n in args.only]

    os.umask(0o022)
    KNOWN_UIDS.update(accounts())
    if not subreaper():
        print('check_hostile.py: cannot become a child subreaper: orphans of the grade may go unnoticed',
              file=sys.stderr)
    t0 = time.monotonic()
    args.workdir = tempfile.mkdtemp(prefix='socklab-hostile-', dir='/tmp')
    os.chmod(args.workdir, 0o755)  # as an instructor's folder usually is: the sandbox must not rely on it
    env = dict(os.environ)
    env['SOCKLAB_HOSTILE_RUN'] = 'socklab-hostile-' + os.urandom(6).hex()
    env.pop('SOCKLAB_SCENARIOS', None)
    if args.switched_off:
        env['SOCKLAB_SANDBOX_OFF'] = args.switched_off
    passed = failed = 0
    try:
        for name in names:
            t = time.monotonic()
            at = Attack(name, args, args.workdir, env)
            try:
                at.check()
            except Exception as e:  # the checker's own trouble is a failure of that attack, never a pass
                at.fail('the checker failed: %r' % (e,))
            for n in dict.fromkeys(at.notes):
                log(args, '%s: %s' % (name, n))
            if args.switched_off and getattr(at, 'invalid', None):
                failed += 1
                print('FAIL %s: %s' % (name, at.invalid), flush=True)
            elif args.switched_off and at.why:
                passed += 1
                print('PASS %s gets through with %s off: %s' % (name, args.switched_off, '; '.join(at.why)), flush=True)
            elif args.switched_off:
                failed += 1
                print('FAIL %s: held with %s off, so this test does not show that %s stops it (%s)'
                      % (name, args.switched_off, args.switched_off, '; '.join(dict.fromkeys(at.notes))), flush=True)
            elif at.why:
                failed += 1
                print('FAIL %s: %s' % (name, '; '.join(at.why)), flush=True)
            else:
                passed += 1
                print('PASS %s' % name, flush=True)
            log(args, '%s took %.1f s' % (name, time.monotonic() - t))
    finally:
        for p in (REPORT_LINK,):
            if os.path.islink(p) and os.readlink(p) == '/etc/socklab-clobbered':
                os.unlink(p)
        for p in ('/etc/socklab-pwned', '/etc/socklab-clobbered', '/etc/socklab-build-log-pwned'):
            if os.path.lexists(p):
                remove(p)
        if args.keep:
            print('kept %s' % args.workdir, file=sys.stderr)
        else:
            shutil.rmtree(args.workdir, ignore_errors=True)
    print('# %d attacks in %.1f s' % (passed + failed, time.monotonic() - t0))
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
