# socklab hostile corpus -- attack "root"
# Tries: to use root's rights from a program under test: euid/uid 0, reading /etc/shadow, creating
#   /etc/socklab-pwned, setuid(0). Then it serves the tutorial's UDP echo correctly.
# Defence: a program under test never runs as root (SPEC.md section 5, "The sandbox"): it runs as an
#   unprivileged uid of its own, which has no rights on /etc and cannot become root again.
# Prints "SANDBOX-BROKEN: root: <evidence>" on stdout for every right it got.
import os
import socket
import sys
import threading
import time

ATTACK = 'root'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    info('uid %d euid %d gid %d' % (os.getuid(), os.geteuid(), os.getgid()))
    if os.geteuid() == 0 or os.getuid() == 0:
        broken('runs as root (uid %d, euid %d)' % (os.getuid(), os.geteuid()))
    try:
        with open('/etc/shadow', 'rb') as f:
            n = len(f.read())
        broken('read /etc/shadow (%d bytes)' % n)
    except OSError as e:
        info('/etc/shadow: %s' % e.strerror)
    try:
        fd = os.open('/etc/socklab-pwned', os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b'written by the hostile corpus (attack root)\n')
        os.close(fd)
        broken('created /etc/socklab-pwned')
    except OSError as e:
        info('/etc/socklab-pwned: %s' % e.strerror)
    if os.geteuid() != 0:
        try:
            os.setuid(0)
            broken('setuid(0) worked')
        except OSError as e:
            info('setuid(0): %s' % e.strerror)


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
