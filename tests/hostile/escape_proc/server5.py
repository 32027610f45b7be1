# socklab hostile corpus -- attack "escape_proc"
# Tries: to look out of its run through /proc: whether /proc belongs to another PID namespace than its own
#   (/proc/self against getpid()), what /proc/1 is (cmdline, environ), what /proc/self/mountinfo and other
#   processes' command lines reveal (socklab's --out, staging, other submissions), whether it can read the
#   memory of a process not its own (/proc/PID/mem), send a signal (kill(pid, 0)) to a process not its own,
#   or ptrace pid 1. Then it serves the tutorial's UDP echo correctly.
# Defence: each run has its own PID namespace with /proc mounted for it (only the run's processes are
#   visible), a uid of its own (no other process is its to signal or trace), and a mount namespace that
#   shows no host paths of other submissions (SPEC.md section 5, "The sandbox").
# Prints "SANDBOX-BROKEN: escape_proc: <what it saw>".
import os
import socket
import sys
import threading
import time

ATTACK = 'escape_proc'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def read(path, n=4096):
    with open(path, 'rb') as f:
        return f.read(n)


def own_tree():
    """This program's pid and its descendants, as the /proc it sees numbers them."""
    me = os.readlink('/proc/self') if os.path.islink('/proc/self') else str(os.getpid())
    return {me}


def attack():
    import ctypes
    import re
    OWN = os.path.realpath(os.getcwd())
    proc_self = os.readlink('/proc/self')
    if proc_self != str(os.getpid()):
        broken('/proc is another PID namespace\'s: /proc/self is %s, getpid() is %d' % (proc_self, os.getpid()))
    try:
        cmd = read('/proc/1/cmdline').replace(b'\0', b' ').decode('utf-8', 'replace').strip()
        info('/proc/1/cmdline: %s' % cmd[:200])
    except OSError as e:
        cmd = ''
        info('/proc/1/cmdline: %s' % e.strerror)
    try:
        env = read('/proc/1/environ')
        broken('read /proc/1/environ (%d bytes) of pid 1 (%s)' % (len(env), cmd[:80]))
    except OSError as e:
        info('/proc/1/environ: %s' % e.strerror)
    pids = [p for p in os.listdir('/proc') if p.isdigit()]
    me = own_tree()
    foreign, revealing = [], []
    for p in pids:
        if p in me:
            continue
        try:
            c = read('/proc/%s/cmdline' % p).replace(b'\0', b' ').decode('utf-8', 'replace').strip()
        except OSError:
            continue
        if not c:
            continue
        foreign.append((p, c))
        args = c.split(' ')[1:]
        paths = [x for x in args if x.startswith('/') and x.rstrip('/') != OWN and len(x.strip('/').split('/')) >= 2]
        if paths or re.search(r'\.staged|--out\b|--json\b', c):
            revealing.append('%s: %s' % (p, c[:160]))
    info('/proc shows %d processes besides this one' % len(foreign))
    if len(foreign) > 8:
        broken('/proc shows %d processes of others, e.g. %s' % (len(foreign), '; '.join(c[:60] for _, c in foreign[:3])))
    for r in revealing[:3]:
        broken("pid %s's command line reveals the grade's paths" % r)
    try:
        mi = read('/proc/self/mountinfo', 1 << 20).decode('utf-8', 'replace')
        own = os.getcwd()  # its own run folder, and the /etc/hosts of its scenario, are no secret
        hits = [l.split()[3] + ' on ' + l.split()[4] for l in mi.splitlines()
                if re.search(r'\.staged|socklab-out|/socklab-', l) and l.split()[4] not in (own, '/etc/hosts')]
        info('/proc/self/mountinfo: %d mounts' % len(mi.splitlines()))
        for h in hits[:3]:
            broken('mountinfo shows a grading path: %s' % h)
    except OSError as e:
        info('mountinfo: %s' % e.strerror)
    # the memory of a process that is not this one (read 16 bytes of its first mapping)
    uid = os.getuid()
    for p, c in foreign:
        if time.monotonic() > T0 + 3.0:
            break
        try:
            if os.stat('/proc/%s' % p).st_uid != uid:
                continue
            first = read('/proc/%s/maps' % p, 200).split(b'\n')[0]
            start = int(first.split(b'-')[0], 16)
            with open('/proc/%s/mem' % p, 'rb') as f:
                f.seek(start)
                got = f.read(16)
            if got:
                broken('read the memory of process %s (%s)' % (p, c[:80]))
                break
        except (OSError, ValueError, IndexError):
            pass
    # signals and ptrace, in the pid numbering kill() uses
    mine = {os.getpid(), threading.get_native_id()}
    sent = []
    for pid in range(1, 300):
        if pid in mine:
            continue
        try:
            os.kill(pid, 0)
            sent.append(pid)
        except OSError:
            pass
    if sent:
        broken('kill(pid, 0) succeeded on processes not its own: %s' % sent[:10])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    PTRACE_ATTACH, PTRACE_DETACH = 16, 17
    if libc.ptrace(PTRACE_ATTACH, 1, None, None) == 0:
        broken('ptrace(PTRACE_ATTACH) on pid 1 succeeded')
        libc.ptrace(PTRACE_DETACH, 1, None, None)
    else:
        info('ptrace pid 1: %s' % os.strerror(ctypes.get_errno()))


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
