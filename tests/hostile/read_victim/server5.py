# socklab hostile corpus -- attack "read_victim"
# Tries: for about 3 s, to find another submission's files and read them: the paths other processes show
#   in /proc (command lines, working folders, HOME/TMPDIR), /tmp, /var/tmp, /dev/shm, /run, the grade's
#   --out and staging folders, then the whole file system; any file holding the victim's marker counts.
#   Also tries to read the expected outputs: any socklab scenario file (*.scn), found by the walk or from the
#   scenario path compiled into the socklab binary. Then it serves the tutorial's UDP echo correctly.
# Defence: other submissions, staging, --out and socklab's paths (its scenarios) are not visible to a
#   program under test (SPEC.md section 5, "The sandbox"); /proc shows only the run's own processes.
# Prints "SANDBOX-BROKEN: read_victim: <path>" for what it could read.
import os
import socket
import sys
import threading
import time

ATTACK = 'read_victim'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


# The victim's marker, built at run time so that this file itself never holds it.
MARK = ('VICTIM-' + 'SECRET-' + '7f3a9c').encode()
SKIP = {'/proc', '/sys', '/dev', '/usr', '/lib', '/lib32', '/lib64', '/libx32', '/bin', '/sbin', '/boot',
        '/etc', '/var/lib', '/var/cache', '/var/log', '/var/backups', '/snap'}
OWN = os.path.realpath(os.getcwd())


def in_git_checkout(path):
    """A folder inside a git work tree (a repository's own copy): never written to, even when it could be."""
    p = os.path.realpath(path)
    while True:
        if os.path.exists(os.path.join(p, '.git')):
            return True
        parent = os.path.dirname(p)
        if parent == p:
            return False
        p = parent


def proc_seeds():
    """Paths other processes show: their command lines, working folders and HOME/PWD/TMPDIR."""
    seeds, exes = [], []
    for p in os.listdir('/proc'):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                argv = [a.decode('utf-8', 'replace') for a in f.read().split(b'\0') if a]
        except OSError:
            continue
        if argv and 'socklab' in os.path.basename(argv[0]):
            exes.append(argv[0])
        seeds += [a for a in argv if a.startswith('/')]
        try:
            seeds.append(os.readlink('/proc/%s/cwd' % p))
        except OSError:
            pass
        try:
            with open('/proc/%s/environ' % p, 'rb') as f:
                for e in f.read().split(b'\0'):
                    k, _, v = e.partition(b'=')
                    if k in (b'HOME', b'PWD', b'TMPDIR', b'OLDPWD') and v.startswith(b'/'):
                        seeds.append(v.decode('utf-8', 'replace'))
        except OSError:
            pass
    return seeds, exes


def candidate_dirs():
    seeds, exes = proc_seeds()
    dirs = []
    for s in seeds:
        d = s if os.path.isdir(s) else os.path.dirname(s)
        for x in (d, os.path.dirname(d), os.path.dirname(os.path.dirname(d))):
            if x and x != '/' and x not in dirs:
                dirs.append(x)
    for x in ('/tmp', '/var/tmp', '/dev/shm', '/run', '/home', '/srv', '/opt', '/mnt', '/media', '/root', '/'):
        if x not in dirs:
            dirs.append(x)
    return dirs, exes


def walk(deadline, on_file, max_dirs=200000):
    """Breadth first from the candidates, until the deadline; on_file(path) for each small regular file."""
    dirs, exes = candidate_dirs()
    queue, seen = list(dirs), set()
    i = 0
    while i < len(queue) and time.monotonic() < deadline and len(seen) < max_dirs:
        d = queue[i]
        i += 1
        try:
            real = os.path.realpath(d)
        except OSError:
            continue
        if real in seen or real in SKIP or real == OWN:
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(real))
        except OSError:
            continue
        for e in entries:
            try:
                if e.is_symlink():
                    continue
                if e.is_dir():
                    queue.append(e.path)
                elif e.is_file() and e.stat().st_size <= (1 << 20):
                    if on_file(e.path) is False:
                        return seen, exes
            except OSError:
                pass
    return seen, exes


def holds_mark(path):
    try:
        with open(path, 'rb') as f:
            return MARK in f.read(1 << 20)
    except OSError:
        return False


def attack():
    import re
    deadline = T0 + 3.0
    found, scn = [], []

    def on_file(path):
        if path.endswith('.scn') and not scn:
            try:
                with open(path, 'rb') as f:
                    n = len(f.read())
                scn.append(path)
                broken('read an expected-output scenario file %s (%d bytes)' % (path, n))
            except OSError:
                pass
        if path.endswith(('.py', '.c', '.cpp', '.pl', '.toml', '.txt', '.log', '.json')) and holds_mark(path):
            found.append(path)
            broken("read another submission's file %s (it holds the victim's marker)" % path)
        return len(found) < 5
    seen, exes = walk(deadline, on_file)
    info('walked %d folders in %.1f s; socklab binaries seen: %r' % (len(seen), time.monotonic() - T0, exes))
    if not scn:  # the scenario folder compiled into socklab
        for exe in exes:
            try:
                with open(exe, 'rb') as f:
                    blob = f.read(64 << 20)
            except OSError:
                continue
            for m in set(re.findall(rb'(/[\w./+-]*/scenarios)\0', blob)):
                for root, _, files in os.walk(m.decode('utf-8', 'replace')):
                    for name in files:
                        if name.endswith('.scn'):
                            try:
                                with open(os.path.join(root, name), 'rb') as f:
                                    f.read()
                                broken('read an expected-output scenario file %s' % os.path.join(root, name))
                                return
                            except OSError:
                                pass


def run_attack(limit_s):
    def guarded():
        try:
            attack()
        except BaseException as e:  # an attack never stops the server
            info('attack stopped: %r' % (e,))
    t = threading.Thread(target=guarded, daemon=True)
    t.start()
    t.join(limit_s)


def serve():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 9999))
    while True:
        data, addr = s.recvfrom(1024)
        print(data, addr)
        s.sendto(b'Hello,' + data, addr)


if __name__ == '__main__':
    run_attack(4.0)
    serve()
