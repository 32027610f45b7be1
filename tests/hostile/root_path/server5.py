# socklab hostile corpus -- attack "root_path"
# Tries: its socklab.toml names /root on the command line ("python3 server5.py /root"): a file out of an
#   unprivileged user's reach, which today makes socklab run the program as its own user (root) instead.
#   Then it serves the tutorial's UDP echo correctly.
# Defence: a command naming a path out of the sandbox user's reach is refused (an error verdict), never
#   run with socklab's rights (SPEC.md section 5, "The sandbox").
# Prints "SANDBOX-BROKEN: root_path: <evidence>" if it runs as root or can list /root.
import os
import socket
import sys
import threading
import time

ATTACK = 'root_path'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    info('argv %r uid %d euid %d' % (sys.argv, os.getuid(), os.geteuid()))
    if os.geteuid() == 0 or os.getuid() == 0:
        broken('runs as root (uid %d) because its command names %s' % (os.getuid(), ' '.join(sys.argv[1:])))
    try:
        n = len(os.listdir('/root'))
        broken('listed /root (%d entries)' % n)
    except OSError as e:
        info('/root: %s' % e.strerror)


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
